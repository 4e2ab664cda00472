import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, logIn, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import {
  createTestChannelAccount,
  createTestContact,
  createTestSession,
} from '../../test/session-factory.js';
import { connectSocket } from '../../test/socket-client.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { sessions, webchatVisitors } from '../db/schema.js';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];
let auditOf: TwoTenants['auditOf'];

beforeAll(async () => {
  ({ t, a, b, s, api, auditOf } = await startTwoTenants());
});
afterAll(() => t.close());

const ids = (response: { body: { items: Array<{ id: string }> } }) => response.body.items.map((r) => r.id);

describe('merging contacts', () => {
  it('moves identities, sessions and blacklist entries to the target; the source leaves the directory', async () => {
    const tenant = await createTestTenant(t.database);
    const admin = await logIn(t.url, tenant.admin);
    const target = await createTestContact(t.database, tenant, { name: 'Jana Dvořáková' });
    const source = await createTestContact(t.database, tenant, {
      name: 'Jana D.',
      email: 'jana@example.test',
    });
    const account = await createTestChannelAccount(t.database, tenant, 'whatsapp');
    const old = await createTestSession(t.database, tenant, {
      contactId: source.id,
      state: 'ended',
      messages: ['hi'],
    });
    const open = await createTestSession(t.database, tenant, {
      contactId: source.id,
      channelAccountId: account.id,
    });
    await api(admin, 'POST', '/blacklist', { contactId: source.id, reason: 'Spam' });
    const widget = await createTestChannelAccount(t.database, tenant, 'webchat');
    const [visitor] = await t.database.db
      .insert(webchatVisitors)
      .values({
        tenantId: tenant.id,
        channelAccountId: widget.id,
        contactId: source.id,
        tokenHash: `h-${source.id}`,
      })
      .returning();
    const socket = await connectSocket(t.url, { cookie: admin.cookie });

    const merged = await api(admin, 'POST', `/contacts/${target.id}/merge`, { sourceContactId: source.id });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ id: target.id, name: 'Jana Dvořáková', email: 'jana@example.test' });
    expect(merged.body.identities).toHaveLength(2);
    expect(merged.body.blacklisted).toBe(true);
    const moved = await t.database.db.select().from(sessions).where(eq(sessions.contactId, target.id));
    expect(moved.map((r) => r.id).sort()).toEqual([old.id, open.id].sort());
    expect(ids(await api(admin, 'GET', '/contacts'))).toEqual([target.id]);
    const [movedVisitor] = await t.database.db
      .select()
      .from(webchatVisitors)
      .where(eq(webchatVisitors.id, visitor!.id));
    expect(movedVisitor!.contactId).toBe(target.id);
    expect((await api(admin, 'GET', `/contacts/${source.id}`)).body).toMatchObject({
      mergedIntoId: target.id,
      identities: [],
    });
    const history = await api(admin, 'GET', `/contacts/${target.id}/sessions`);
    expect(ids(history).sort()).toEqual([old.id, open.id].sort());
    await socket.waitFor(
      (e) => e.name === 'contact.changed' && (e.payload as { change: string }).change === 'merged',
    );
    socket.close();
    expect(await auditOf(tenant.id, 'contact.merge')).toHaveLength(1);
    // The merged contact can no longer be edited or merged again.
    expect((await api(admin, 'PATCH', `/contacts/${source.id}`, { name: 'x' })).status).toBe(409);
    expect(
      (await api(admin, 'POST', `/contacts/${target.id}/merge`, { sourceContactId: source.id })).status,
    ).toBe(409);
  });

  it('is refused while both have an open session on the same channel account, and nothing moves', async () => {
    const tenant = await createTestTenant(t.database);
    const admin = await logIn(t.url, tenant.admin);
    const account = await createTestChannelAccount(t.database, tenant);
    const target = await createTestContact(t.database, tenant, { name: 'Target' });
    const source = await createTestContact(t.database, tenant, { name: 'Source' });
    const mine = await createTestSession(t.database, tenant, {
      contactId: target.id,
      channelAccountId: account.id,
    });
    const theirs = await createTestSession(t.database, tenant, {
      contactId: source.id,
      channelAccountId: account.id,
    });
    const refused = await api(admin, 'POST', `/contacts/${target.id}/merge`, { sourceContactId: source.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('open_session_exists');
    expect(refused.body.error.message).toMatch(/open session/);
    expect(refused.body.error.details).toMatchObject({ channelAccountId: account.id });
    expect(refused.body.error.details.sessionIds.sort()).toEqual([mine.id, theirs.id].sort());
    const [row] = await t.database.db.select().from(sessions).where(eq(sessions.id, theirs.id));
    expect(row!.contactId).toBe(source.id);
    expect(ids(await api(admin, 'GET', '/contacts'))).toEqual([source.id, target.id]);
    // Once one of them ends, the merge goes through.
    await t.database.db.update(sessions).set({ state: 'ended' }).where(eq(sessions.id, theirs.id));
    expect(
      (await api(admin, 'POST', `/contacts/${target.id}/merge`, { sourceContactId: source.id })).status,
    ).toBe(200);
  });

  it('settles two opposite merges at once: one wins, the other is refused, no contact is lost', async () => {
    const tenant = await createTestTenant(t.database);
    const admin = await logIn(t.url, tenant.admin);
    const x = await createTestContact(t.database, tenant, { name: 'X' });
    const y = await createTestContact(t.database, tenant, { name: 'Y' });
    const results = await Promise.all([
      api(admin, 'POST', `/contacts/${x.id}/merge`, { sourceContactId: y.id }),
      api(admin, 'POST', `/contacts/${y.id}/merge`, { sourceContactId: x.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const directory = await api(admin, 'GET', '/contacts');
    expect(directory.body.items).toHaveLength(1);
    expect(directory.body.items[0].identities).toHaveLength(2);
  });

  it('is for administrators of the tenant, and refuses a contact merged into itself', async () => {
    const one = await createTestContact(t.database, a);
    const two = await createTestContact(t.database, a);
    const foreign = await createTestContact(t.database, b);
    expect(
      (await api(s.olga!, 'POST', `/contacts/${one.id}/merge`, { sourceContactId: two.id })).status,
    ).toBe(403);
    expect(
      (await api(s.adminA!, 'POST', `/contacts/${one.id}/merge`, { sourceContactId: one.id })).status,
    ).toBe(422);
    expect(
      (await api(s.adminA!, 'POST', `/contacts/${one.id}/merge`, { sourceContactId: foreign.id })).status,
    ).toBe(404);
    expect(
      (await api(s.adminB!, 'POST', `/contacts/${one.id}/merge`, { sourceContactId: foreign.id })).status,
    ).toBe(404);
    expect((await api(s.adminA!, 'GET', `/contacts/${two.id}`)).body.mergedIntoId).toBe(null);
  });
});
