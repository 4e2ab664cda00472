import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { createTestContact, createTestSession } from '../../test/session-factory.js';
import { connectSocket } from '../../test/socket-client.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { contactIdentities, contacts, files, messages, sessions, webchatVisitors } from '../db/schema.js';
import { storageKeys } from '../files/file-store.js';

let t: TestApp;
let a: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];
let auditOf: TwoTenants['auditOf'];

beforeAll(async () => {
  ({ t, a, s, api, auditOf } = await startTwoTenants());
});
afterAll(() => t.close());

const ids = (response: { body: { items: Array<{ id: string }> } }) => response.body.items.map((r) => r.id);

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
