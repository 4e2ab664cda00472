import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestTenant, logIn, type Session, type TestTenant } from '../../test/factories.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import {
  createTestChannelAccount,
  createTestContact,
  createTestSession,
} from '../../test/session-factory.js';
import { connectSocket } from '../../test/socket-client.js';
import {
  auditLog,
  contactIdentities,
  contacts,
  files,
  messages,
  sessions,
  webchatVisitors,
} from '../db/schema.js';
import { storageKeys } from '../files/file-store.js';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const s: Record<string, Session> = {};
let apiKey: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp();
  a = await createTestTenant(t.database);
  b = await createTestTenant(t.database);
  s.adminA = await logIn(t.url, a.admin);
  s.olga = await logIn(t.url, a.operators[0]!);
  s.petr = await logIn(t.url, a.operators[1]!);
  s.adminB = await logIn(t.url, b.admin);
  const key = await call(t.url, 'POST', '/api/v1/api-keys', {
    headers: s.adminA.headers,
    body: { name: 'CRM', role: 'operator' },
  });
  apiKey = { authorization: `Bearer ${key.body.key}` };
});
afterAll(() => t.close());

const api = (session: Session | Record<string, string>, method: string, path: string, body?: unknown) =>
  call(t.url, method, `/api/v1${path}`, {
    headers: 'headers' in session ? (session as Session).headers : (session as Record<string, string>),
    ...(body !== undefined ? { body } : {}),
  });
const ids = (response: { body: { items: Array<{ id: string }> } }) => response.body.items.map((r) => r.id);
const auditOf = async (tenantId: string, action: string) =>
  (await t.database.db.select().from(auditLog).where(eq(auditLog.tenantId, tenantId))).filter(
    (r) => r.action === action,
  );

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

describe('GDPR', () => {
  it('exports everything about a contact to administrators, and audits it', async () => {
    const contact = await createTestContact(t.database, a, { name: 'Exported', email: 'e@example.test' });
    const session = await createTestSession(t.database, a, { contactId: contact.id, messages: ['my data'] });
    await api(s.adminA!, 'POST', '/blacklist', { contactId: contact.id, reason: 'Rude' });
    const exported = await api(s.adminA!, 'GET', `/contacts/${contact.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.contact).toMatchObject({
      id: contact.id,
      name: 'Exported',
      email: 'e@example.test',
    });
    expect(exported.body.blacklistEntries).toEqual([expect.objectContaining({ reason: 'Rude' })]);
    expect(exported.body.sessions).toEqual([
      expect.objectContaining({
        id: session.id,
        messages: [expect.objectContaining({ text: 'my data' })],
        tags: [],
        files: [],
        timeline: [],
      }),
    ]);
    expect((await auditOf(a.id, 'contact.export')).some((r) => r.targetId === contact.id)).toBe(true);
    expect((await api(s.olga!, 'GET', `/contacts/${contact.id}/export`)).status).toBe(403);
    expect((await api(s.adminB!, 'GET', `/contacts/${contact.id}/export`)).status).toBe(404);
  });

  it('erases messages, identities and the card; sessions stay without the person', async () => {
    const contact = await createTestContact(t.database, a, { name: 'Forget Me', phone: '+420 600 000 001' });
    const session = await createTestSession(t.database, a, {
      contactId: contact.id,
      state: 'ended',
      messages: ['secret', 'more'],
    });
    await t.database.db.insert(webchatVisitors).values({
      tenantId: a.id,
      channelAccountId: session.channelAccountId,
      contactId: contact.id,
      tokenHash: `h-${contact.id}`,
    });
    // A stored file with its bytes and thumbnail, attached to one of the messages.
    const [message] = await t.database.db.select().from(messages).where(eq(messages.sessionId, session.id));
    const fileId = randomUUID();
    const contentKey = storageKeys.content(a.id, fileId);
    const thumbnailKey = storageKeys.thumbnail(a.id, fileId);
    await t.engine.fileStore.put(contentKey, Readable.from([Buffer.from('passport scan')]));
    await t.engine.fileStore.put(thumbnailKey, Readable.from([Buffer.from('thumb')]));
    await t.database.db.insert(files).values({
      id: fileId,
      tenantId: a.id,
      sessionId: session.id,
      messageId: message!.id,
      name: 'passport.png',
      storageKey: contentKey,
      status: 'stored',
      createdBy: 'customer',
    });
    const duplicate = await createTestContact(t.database, a, { name: 'Forget Me Too' });
    await api(s.adminA!, 'POST', `/contacts/${contact.id}/merge`, { sourceContactId: duplicate.id });
    const socket = await connectSocket(t.url, { cookie: s.olga!.cookie });

    expect((await api(s.olga!, 'DELETE', `/contacts/${contact.id}`)).status).toBe(403);
    expect((await api(s.adminB!, 'DELETE', `/contacts/${contact.id}`)).status).toBe(404);
    const erased = await api(s.adminA!, 'DELETE', `/contacts/${contact.id}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({
      contactId: contact.id,
      sessions: 1,
      messagesDeleted: 2,
      identitiesDeleted: 2,
      filesDeleted: 1,
    });
    expect(await t.engine.fileStore.stat(contentKey)).toBeUndefined();
    expect(await t.engine.fileStore.stat(thumbnailKey)).toBeUndefined();
    expect(await t.database.db.select().from(files).where(eq(files.id, fileId))).toEqual([]);

    expect((await api(s.adminA!, 'GET', `/contacts/${contact.id}`)).status).toBe(404);
    expect((await api(s.adminA!, 'GET', `/contacts/${duplicate.id}`)).status).toBe(404);
    expect(ids(await api(s.adminA!, 'GET', '/contacts?q=Forget'))).toEqual([]);
    expect(await t.database.db.select().from(messages).where(eq(messages.sessionId, session.id))).toEqual([]);
    expect(
      await t.database.db
        .select()
        .from(contactIdentities)
        .where(and(eq(contactIdentities.tenantId, a.id), eq(contactIdentities.contactId, contact.id))),
    ).toEqual([]);
    expect(
      await t.database.db.select().from(webchatVisitors).where(eq(webchatVisitors.contactId, contact.id)),
    ).toEqual([]);
    const [kept] = await t.database.db.select().from(sessions).where(eq(sessions.id, session.id));
    expect(kept).toBeDefined();
    const [card] = await t.database.db.select().from(contacts).where(eq(contacts.id, contact.id));
    expect(card).toMatchObject({ name: null, phone: null, email: null, note: null });
    await socket.waitFor(
      (e) => e.name === 'contact.changed' && (e.payload as { change: string }).change === 'erased',
    );
    socket.close();
    const [audit] = (await auditOf(a.id, 'contact.erase')).filter((r) => r.targetId === contact.id);
    expect(JSON.stringify(audit!.data)).not.toContain('Forget');
    expect((await api(s.adminA!, 'DELETE', `/contacts/${contact.id}`)).status).toBe(404);
  });

  it('is refused while the contact is in an open session, and nothing is erased', async () => {
    const contact = await createTestContact(t.database, a, { name: 'Still Talking' });
    const session = await createTestSession(t.database, a, { contactId: contact.id, messages: ['hello'] });
    const refused = await api(s.adminA!, 'DELETE', `/contacts/${contact.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('open_session_exists');
    expect(refused.body.error.details.sessionIds).toEqual([session.id]);
    expect((await api(s.adminA!, 'GET', `/contacts/${contact.id}`)).body.name).toBe('Still Talking');
    expect(
      await t.database.db.select().from(messages).where(eq(messages.sessionId, session.id)),
    ).toHaveLength(1);
  });

  it('deletes a contact without sessions entirely', async () => {
    const contact = await createTestContact(t.database, a, { name: 'No Sessions' });
    expect((await api(s.adminA!, 'DELETE', `/contacts/${contact.id}`)).body).toMatchObject({
      sessions: 0,
      identitiesDeleted: 1,
    });
    expect(await t.database.db.select().from(contacts).where(eq(contacts.id, contact.id))).toEqual([]);
  });
});
