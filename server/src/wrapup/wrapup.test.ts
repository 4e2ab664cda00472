import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, logIn } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { createTestSession } from '../../test/session-factory.js';
import { sessions } from '../db/schema.js';

let t: TestApp;
let s: TwoTenants['s'];
let api: TwoTenants['api'];

beforeAll(async () => {
  ({ t, s, api } = await startTwoTenants());
});
afterAll(() => t.close());

const names = (response: { body: { items: Array<{ name: string }> } }) =>
  response.body.items.map((r) => r.name);

describe('wrap-up reasons', () => {
  it('are created by administrators and searched by operators, any case, wildcards taken literally', async () => {
    for (const name of ['Resolved', 'Callback requested', 'Refund 100%', 'Spam'])
      expect((await api(s.adminA!, 'POST', '/wrapup-reasons', { name })).status).toBe(201);
    expect(names(await api(s.olga!, 'GET', '/wrapup-reasons'))).toEqual([
      'Callback requested',
      'Refund 100%',
      'Resolved',
      'Spam',
    ]);
    expect(names(await api(s.olga!, 'GET', '/wrapup-reasons?q=eS'))).toEqual([
      'Callback requested',
      'Resolved',
    ]);
    expect(names(await api(s.olga!, 'GET', '/wrapup-reasons?q=%25'))).toEqual(['Refund 100%']);
    expect(names(await api(s.olga!, 'GET', '/wrapup-reasons?q=_'))).toEqual([]);
    expect(names(await api(s.adminB!, 'GET', '/wrapup-reasons'))).toEqual([]);
  });

  it('have names unique in the tenant, any case', async () => {
    const first = await api(s.adminB!, 'POST', '/wrapup-reasons', { name: 'Sold' });
    const again = await api(s.adminB!, 'POST', '/wrapup-reasons', { name: ' sold ' });
    expect(again.status).toBe(409);
    const other = await api(s.adminB!, 'POST', '/wrapup-reasons', { name: 'Lost' });
    expect((await api(s.adminB!, 'PATCH', `/wrapup-reasons/${other.body.id}`, { name: 'SOLD' })).status).toBe(
      409,
    );
    expect(
      (await api(s.adminB!, 'PATCH', `/wrapup-reasons/${first.body.id}`, { name: 'Sold!' })).body.name,
    ).toBe('Sold!');
    expect(names(await api(s.adminB!, 'GET', '/wrapup-reasons'))).toEqual(['Lost', 'Sold!']);
  });

  it('are deleted when unused, deactivated when a session used them, and inactive ones are no longer offered', async () => {
    const tenant = await createTestTenant(t.database);
    const admin = await logIn(t.url, tenant.admin);
    const operator = await logIn(t.url, tenant.operators[0]!);
    const used = (await api(admin, 'POST', '/wrapup-reasons', { name: 'Used' })).body.id;
    const unused = (await api(admin, 'POST', '/wrapup-reasons', { name: 'Unused' })).body.id;
    const session = await createTestSession(t.database, tenant, { state: 'ended' });
    await t.database.db.update(sessions).set({ wrapupReasonId: used }).where(eq(sessions.id, session.id));

    const deleted = await api(admin, 'DELETE', `/wrapup-reasons/${unused}`);
    expect(deleted.body).toEqual({ outcome: 'deleted', reason: null });
    expect((await api(admin, 'GET', `/wrapup-reasons/${unused}`)).status).toBe(404);
    const deactivated = await api(admin, 'DELETE', `/wrapup-reasons/${used}`);
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ outcome: 'deactivated', reason: { id: used, active: false } });
    const [row] = await t.database.db.select().from(sessions).where(eq(sessions.id, session.id));
    expect(row!.wrapupReasonId).toBe(used);

    expect(names(await api(operator, 'GET', '/wrapup-reasons'))).toEqual([]);
    expect(names(await api(admin, 'GET', '/wrapup-reasons?includeInactive=true'))).toEqual(['Used']);
    expect((await api(operator, 'GET', '/wrapup-reasons?includeInactive=true')).status).toBe(403);
    // Still readable by id (a past session shows its reason), and can be brought back.
    expect((await api(operator, 'GET', `/wrapup-reasons/${used}`)).body).toMatchObject({
      name: 'Used',
      active: false,
    });
    expect((await api(admin, 'PATCH', `/wrapup-reasons/${used}`, { active: true })).body.active).toBe(true);
    expect(names(await api(operator, 'GET', '/wrapup-reasons'))).toEqual(['Used']);
  });

  it('are changed by administrators of their own tenant only', async () => {
    const reason = (await api(s.adminA!, 'POST', '/wrapup-reasons', { name: 'Guarded' })).body.id;
    expect((await api(s.olga!, 'POST', '/wrapup-reasons', { name: 'x' })).status).toBe(403);
    expect((await api(s.olga!, 'PATCH', `/wrapup-reasons/${reason}`, { active: false })).status).toBe(403);
    expect((await api(s.olga!, 'DELETE', `/wrapup-reasons/${reason}`)).status).toBe(403);
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'Taken' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await api(s.adminB!, method, `/wrapup-reasons/${reason}`, body);
      expect(response.status).toBe(404);
    }
    expect((await api(s.adminA!, 'GET', `/wrapup-reasons/${reason}`)).body).toMatchObject({
      name: 'Guarded',
      active: true,
    });
  });
});
