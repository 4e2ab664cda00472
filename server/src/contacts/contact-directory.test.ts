import { and, eq } from 'drizzle-orm';
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
import { contactIdentities, contacts, messages, sessions } from '../db/schema.js';

let t: TestApp;
let a: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];
let auditOf: TwoTenants['auditOf'];
let apiKey: Record<string, string>;

beforeAll(async () => {
  ({ t, a, s, api, auditOf } = await startTwoTenants());
  const key = await api(s.adminA, 'POST', '/api-keys', { name: 'CRM', role: 'operator' });
  apiKey = { authorization: `Bearer ${key.body.key}` };
});
afterAll(() => t.close());

const ids = (response: { body: { items: Array<{ id: string }> } }) => response.body.items.map((r) => r.id);

describe('contact directory', () => {
  it('finds contacts by name, e-mail, phone and identity value, in any case, paged by name', async () => {
    const tenant = await createTestTenant(t.database);
    const admin = await logIn(t.url, tenant.admin);
    const anna = await createTestContact(t.database, tenant, {
      name: 'Anna Veselá',
      email: 'ANNA@firma.test',
    });
    const bob = await createTestContact(t.database, tenant, { name: 'Bob', phone: '+420 777 123 456' });
    const cyril = await createTestContact(t.database, tenant, { name: 'cyril' });
    await t.database.db
      .insert(contactIdentities)
      .values({ tenantId: tenant.id, contactId: cyril.id, kind: 'wa_id', value: '420601000111' });
    const nameless = await createTestContact(t.database, tenant, { name: 'x' });
    await t.database.db.update(contacts).set({ name: null }).where(eq(contacts.id, nameless.id));

    expect(ids(await api(admin, 'GET', '/contacts'))).toEqual([anna.id, bob.id, cyril.id, nameless.id]);
    expect(ids(await api(admin, 'GET', '/contacts?q=vESEL'))).toEqual([anna.id]);
    expect(ids(await api(admin, 'GET', '/contacts?q=anna@FIRMA'))).toEqual([anna.id]);
    expect(ids(await api(admin, 'GET', '/contacts?q=777%20123'))).toEqual([bob.id]);
    expect(ids(await api(admin, 'GET', '/contacts?q=777123'))).toEqual([bob.id]);
    expect(ids(await api(admin, 'GET', '/contacts?q=601000'))).toEqual([cyril.id]);
    expect(ids(await api(admin, 'GET', '/contacts?q=%25'))).toEqual([]);

    const first = await api(admin, 'GET', '/contacts?limit=2');
    expect(ids(first)).toEqual([anna.id, bob.id]);
    expect(first.body.items[0].identities).toHaveLength(1);
    const second = await api(admin, 'GET', `/contacts?limit=2&cursor=${first.body.nextCursor}`);
    expect(ids(second)).toEqual([cyril.id, nameless.id]);
    expect(second.body.nextCursor).toBe(null);
    expect((await api(admin, 'GET', '/contacts?cursor=bogus')).status).toBe(400);
    expect((await api(admin, 'GET', '/contacts?limit=1000')).status).toBe(400);
    // Other tenants see none of them.
    expect(ids(await api(s.adminB!, 'GET', '/contacts?q=Anna%20Vesel'))).toEqual([]);
  });

  it('shows a contact with identities to operators; another tenant gets 404', async () => {
    const contact = await createTestContact(t.database, a, { name: 'Read Me' });
    const read = await api(s.olga!, 'GET', `/contacts/${contact.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: contact.id,
      name: 'Read Me',
      blacklisted: false,
      mergedIntoId: null,
    });
    expect(read.body.identities).toEqual([expect.objectContaining({ kind: 'webchat_visitor' })]);
    expect((await api(s.adminB!, 'GET', `/contacts/${contact.id}`)).status).toBe(404);
    expect(await auditOf(a.id, 'contact.read')).toEqual([]);
  });

  it('writes every read by an API key to the audit log', async () => {
    const contact = await createTestContact(t.database, a, { name: 'Audited Reader' });
    expect((await api(apiKey, 'GET', `/contacts/${contact.id}`)).status).toBe(200);
    expect((await api(apiKey, 'GET', '/contacts?q=Audited%20Reader')).body.items).toHaveLength(1);
    expect((await api(apiKey, 'GET', `/contacts/${contact.id}/sessions`)).status).toBe(200);
    const reads = (await auditOf(a.id, 'contact.read')).filter((r) => r.targetId === contact.id);
    expect(reads).toHaveLength(3);
    expect(reads.every((r) => r.actorKind === 'api_key')).toBe(true);
  });
});

describe('editing a contact', () => {
  it('is done by operators, announced to the tenant and audited without the values', async () => {
    const contact = await createTestContact(t.database, a, { name: 'Old Name' });
    const socket = await connectSocket(t.url, { cookie: s.petr!.cookie });
    const edited = await api(s.olga!, 'PATCH', `/contacts/${contact.id}`, {
      name: 'Karel Nový',
      firstName: 'Karel',
      email: 'karel@example.test',
      phone: '+420 777 000 111',
      note: 'Prefers mornings',
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Karel Nový', firstName: 'Karel', note: 'Prefers mornings' });
    const event = await socket.waitFor(
      (e) => e.name === 'contact.changed' && (e.payload as { contactId: string }).contactId === contact.id,
    );
    expect(event.payload).toEqual({ contactId: contact.id, change: 'updated', mergedIntoId: null });
    socket.close();
    const [audit] = (await auditOf(a.id, 'contact.update')).filter((r) => r.targetId === contact.id);
    expect(JSON.stringify(audit!.data)).not.toContain('Karel');
    const cleared = await api(s.olga!, 'PATCH', `/contacts/${contact.id}`, { note: '', phone: null });
    expect(cleared.body).toMatchObject({ note: null, phone: null, name: 'Karel Nový' });
  });

  it('refuses bad values and other tenants, changing nothing', async () => {
    const contact = await createTestContact(t.database, a, { name: 'Stable' });
    for (const body of [{ email: 'not-an-email' }, { phone: 'call me' }, { avatarUrl: 'x' }, {}]) {
      expect((await api(s.olga!, 'PATCH', `/contacts/${contact.id}`, body)).status).toBe(400);
    }
    expect((await api(s.adminB!, 'PATCH', `/contacts/${contact.id}`, { name: 'Hijacked' })).status).toBe(404);
    expect((await api(s.olga!, 'GET', `/contacts/${contact.id}`)).body).toMatchObject({
      name: 'Stable',
      email: null,
    });
  });
});

describe('history of a contact', () => {
  it('lists every session the caller may see, on every channel, newest first, with messages in order', async () => {
    const contact = await createTestContact(t.database, a, { name: 'History' });
    const whatsapp = await createTestChannelAccount(t.database, a, 'whatsapp');
    const first = await createTestSession(t.database, a, {
      contactId: contact.id,
      groupId: a.groupA,
      state: 'ended',
      messages: ['one', 'two', 'three'],
    });
    // The factory writes them in one instant; spread them out as a conversation would be.
    for (const [i, text] of ['one', 'two', 'three'].entries()) {
      await t.database.db
        .update(messages)
        .set({ createdAt: new Date(Date.UTC(2026, 0, 1, 12, i)) })
        .where(and(eq(messages.sessionId, first.id), eq(messages.text, text)));
    }
    const second = await createTestSession(t.database, a, {
      contactId: contact.id,
      groupId: a.groupB,
      channelAccountId: whatsapp.id,
      state: 'ended',
      messages: ['in group B'],
    });
    await t.database.db.update(sessions).set({ channel: 'whatsapp' }).where(eq(sessions.id, second.id));
    // Olga took part in this one although it is in group B: she may see it.
    const third = await createTestSession(t.database, a, {
      contactId: contact.id,
      groupId: a.groupB,
      operatorId: a.operators[0]!.id,
    });
    const fourth = await createTestSession(t.database, a, { contactId: contact.id, groupId: a.groupA });
    for (const [day, session] of [first, second, third, fourth].entries()) {
      await t.database.db
        .update(sessions)
        .set({ createdAt: new Date(Date.UTC(2026, 0, 1 + day)) })
        .where(eq(sessions.id, session.id));
    }

    const admin = await api(s.adminA!, 'GET', `/contacts/${contact.id}/sessions`);
    expect(ids(admin)).toEqual([fourth.id, third.id, second.id, first.id]);
    expect(admin.body.items[2]).toMatchObject({ channel: 'whatsapp', sourceName: expect.any(String) });
    expect(admin.body.items[3].messages.map((m: { text: string }) => m.text)).toEqual([
      'one',
      'two',
      'three',
    ]);

    expect(ids(await api(s.olga!, 'GET', `/contacts/${contact.id}/sessions`))).toEqual([
      fourth.id,
      third.id,
      first.id,
    ]);
    expect(ids(await api(s.petr!, 'GET', `/contacts/${contact.id}/sessions`))).toEqual([third.id, second.id]);

    const page1 = await api(s.olga!, 'GET', `/contacts/${contact.id}/sessions?limit=2`);
    expect(ids(page1)).toEqual([fourth.id, third.id]);
    const page2 = await api(
      s.olga!,
      'GET',
      `/contacts/${contact.id}/sessions?limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(ids(page2)).toEqual([first.id]);
    expect(page2.body.nextCursor).toBe(null);
    expect((await api(s.adminB!, 'GET', `/contacts/${contact.id}/sessions`)).status).toBe(404);
  });
});
