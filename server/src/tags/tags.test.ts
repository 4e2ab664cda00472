import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Session, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { createTestSession } from '../../test/session-factory.js';
import { connectSocket, sleep } from '../../test/socket-client.js';

let t: TestApp;
let a: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];

beforeAll(async () => {
  ({ t, a, s, api } = await startTwoTenants());
});
afterAll(() => t.close());

describe('tags', () => {
  it('are managed by administrators with names unique in the tenant, whatever the case', async () => {
    const vip = await api(s.adminA!, 'POST', '/tags', { name: 'VIP', color: '#ff0000' });
    expect(vip.status).toBe(201);
    expect(vip.body).toMatchObject({ name: 'VIP', color: '#ff0000' });
    const again = await api(s.adminA!, 'POST', '/tags', { name: 'vip' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_exists', details: { field: 'name' } });
    const other = await api(s.adminA!, 'POST', '/tags', { name: 'Complaint' });
    const rename = await api(s.adminA!, 'PATCH', `/tags/${other.body.id}`, { name: 'Vip' });
    expect(rename.status).toBe(409);
    // Another tenant may use the same name.
    expect((await api(s.adminB!, 'POST', '/tags', { name: 'VIP' })).status).toBe(201);
    const recolour = await api(s.adminA!, 'PATCH', `/tags/${vip.body.id}`, { color: null });
    expect(recolour.body).toMatchObject({ name: 'VIP', color: null });
    const list = await api(s.olga!, 'GET', '/tags');
    expect(list.body.items.map((tag: { name: string }) => tag.name)).toEqual(['Complaint', 'VIP']);
    expect((await api(s.adminA!, 'POST', '/tags', { name: 'Bad', color: 'red' })).status).toBe(400);
  });

  it('cannot be changed by operators, nor across tenants', async () => {
    const tag = await api(s.adminA!, 'POST', '/tags', { name: 'Mine' });
    expect((await api(s.olga!, 'POST', '/tags', { name: 'x' })).status).toBe(403);
    expect((await api(s.olga!, 'DELETE', `/tags/${tag.body.id}`)).status).toBe(403);
    expect((await api(s.adminB!, 'PATCH', `/tags/${tag.body.id}`, { name: 'Stolen' })).status).toBe(404);
    expect((await api(s.adminB!, 'DELETE', `/tags/${tag.body.id}`)).status).toBe(404);
    const names = (await api(s.adminB!, 'GET', '/tags')).body.items.map((x: { name: string }) => x.name);
    expect(names).not.toContain('Mine');
    expect((await api(s.adminA!, 'GET', '/tags')).body.items.map((x: { name: string }) => x.name)).toContain(
      'Mine',
    );
  });
});

describe('tags of a session', () => {
  it('are replaced by an operator who sees the session, and everyone watching is told', async () => {
    const session = await createTestSession(t.database, a, {
      groupId: a.groupA,
      operatorId: a.operators[0]!.id,
    });
    const [t1, t2, t3] = await Promise.all(
      ['Sales', 'Billing', 'Urgent'].map(
        async (name) => (await api(s.adminA!, 'POST', '/tags', { name })).body.id,
      ),
    );
    const watcher = await connectSocket(t.url, { cookie: s.olga!.cookie });
    const outsider = await connectSocket(t.url, { cookie: s.petr!.cookie });
    const set = await api(s.olga!, 'PUT', `/sessions/${session.id}/tags`, { tagIds: [t1, t2] });
    expect(set.status).toBe(200);
    expect(set.body.items.map((x: { name: string }) => x.name)).toEqual(['Billing', 'Sales']);
    const event = await watcher.waitFor((e) => e.name === 'session.tags.changed');
    expect(event.payload).toEqual({
      sessionId: session.id,
      tags: [
        { id: t2, name: 'Billing', color: null },
        { id: t1, name: 'Sales', color: null },
      ],
    });
    const replaced = await api(s.olga!, 'PUT', `/sessions/${session.id}/tags`, { tagIds: [t3] });
    expect(replaced.body.items.map((x: { id: string }) => x.id)).toEqual([t3]);
    const read = await api(s.olga!, 'GET', `/sessions/${session.id}/tags`);
    expect(read.body.items.map((x: { id: string }) => x.id)).toEqual([t3]);
    await sleep(150);
    expect(outsider.events.filter((e) => e.name === 'session.tags.changed')).toEqual([]);
    watcher.close();
    outsider.close();
    expect((await api(s.olga!, 'PUT', `/sessions/${session.id}/tags`, { tagIds: [] })).body.items).toEqual(
      [],
    );
  });

  it('are refused for a session the caller does not see, and for tags of another tenant, changing nothing', async () => {
    const session = await createTestSession(t.database, a, { groupId: a.groupA });
    const mine = (await api(s.adminA!, 'POST', '/tags', { name: 'Kept' })).body.id;
    await api(s.olga!, 'PUT', `/sessions/${session.id}/tags`, { tagIds: [mine] });
    const foreignTag = (await api(s.adminB!, 'POST', '/tags', { name: 'Foreign' })).body.id;
    const cases: Array<[Session, string[]]> = [
      [s.petr!, [mine]], // operator of another group
      [s.adminB!, [foreignTag]], // another tenant
      [s.olga!, [foreignTag]], // a tag of another tenant
      [s.olga!, [mine, foreignTag]],
    ];
    for (const [who, tagIds] of cases) {
      const response = await api(who, 'PUT', `/sessions/${session.id}/tags`, { tagIds });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
    expect((await api(s.petr!, 'GET', `/sessions/${session.id}/tags`)).status).toBe(404);
    const after = await api(s.olga!, 'GET', `/sessions/${session.id}/tags`);
    expect(after.body.items.map((x: { id: string }) => x.id)).toEqual([mine]);
  });

  it('lose a tag the administrator deletes', async () => {
    const session = await createTestSession(t.database, a, { groupId: a.groupA });
    const gone = (await api(s.adminA!, 'POST', '/tags', { name: 'Temporary' })).body.id;
    await api(s.olga!, 'PUT', `/sessions/${session.id}/tags`, { tagIds: [gone] });
    // The tagging's own event is numbered after its commit: let it pass before watching for the deletion's.
    await t.app.realtime.relay.flush();
    const watcher = await connectSocket(t.url, { cookie: s.olga!.cookie });
    expect((await api(s.adminA!, 'DELETE', `/tags/${gone}`)).status).toBe(204);
    const event = await watcher.waitFor(
      (e) =>
        e.name === 'session.tags.changed' && (e.payload as { sessionId: string }).sessionId === session.id,
    );
    expect(event.payload).toEqual({ sessionId: session.id, tags: [] });
    watcher.close();
    expect((await api(s.olga!, 'GET', `/sessions/${session.id}/tags`)).body.items).toEqual([]);
  });
});
