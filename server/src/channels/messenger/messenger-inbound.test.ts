import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contacts, files, sessions } from '../../db/schema.js';
import { call } from '../../../test/factories.js';
import { startMessengerWorld, type MessengerWorld } from '../../../test/messenger-world.js';
import { scrapeMetrics } from '../../../test/metrics-scrape.js';
import { valueOf } from '../../metrics/prometheus-text.js';

let w: MessengerWorld;

beforeAll(async () => {
  w = await startMessengerWorld();
});
afterAll(async () => w?.close());
afterEach(() => {
  w.sandbox.setSwitches({ duplicate: false, batchSize: 1, statusProgression: 'none' });
});

type Attachment = Record<string, unknown>;
const attachmentsOf = (message: { metadata: Record<string, unknown> }) =>
  (message.metadata.attachments as Attachment[] | undefined) ?? [];

/** Waits until every attachment of the message has been downloaded (or refused) and answers the message. */
async function settled(accountId: string, mid: string) {
  await expect
    .poll(
      async () => {
        const row = await w.messageByMid(accountId, mid);
        return row ? attachmentsOf(row).every((a) => a.fileId || a.error || a.status) : false;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return (await w.messageByMid(accountId, mid))!;
}

const base64 = (text: string) => Buffer.from(text).toString('base64');
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('a customer message', () => {
  it('opens a session named after the Page, with emoji intact and the profile filled in afterwards', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer('Peter', 'Chang');
    await tenant.f.available('olga');
    const before = await scrapeMetrics(w.t.url);
    const { mid } = await w.inject({ psid, text: 'Hello 👋🏽 is anyone there? ñ' });
    const stored = (await w.messageByMid(tenant.accountId, mid))!;
    // Counted and timed as Messenger's.
    const after = await scrapeMetrics(w.t.url);
    const delta = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta('switchboard_messages_received_total', { channel: 'messenger' })).toBe(1);
    expect(
      delta('switchboard_webhook_duration_seconds_count', { channel: 'messenger', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(stored).toMatchObject({
      direction: 'in',
      authorKind: 'customer',
      text: 'Hello 👋🏽 is anyone there? ñ',
    });
    const [session] = await w.t.database.db.select().from(sessions).where(eq(sessions.id, stored.sessionId));
    expect(session).toMatchObject({ channel: 'messenger', channelAccountId: tenant.accountId });
    await expect
      .poll(async () => {
        const [contact] = await w.t.database.db
          .select()
          .from(contacts)
          .where(eq(contacts.id, session!.contactId));
        return contact;
      })
      .toMatchObject({
        name: 'Peter Chang',
        firstName: 'Peter',
        lastName: 'Chang',
        avatarUrl: expect.stringContaining('/cdn/profile/'),
      });
    const detail = await call(w.t.url, 'GET', `/api/v1/sessions/${session!.id}`, {
      headers: tenant.f.sessions.supervisor!.headers,
    });
    expect(detail.status).toBe(200);
    expect(JSON.stringify(detail.body)).toContain(tenant.page.name);
  });

  it('still opens a session when Meta has no profile for the customer (2018218)', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer('Phone', 'Only', { profileAvailable: false });
    const { mid } = await w.inject({ psid, text: 'I signed up with my phone' });
    const stored = (await w.messageByMid(tenant.accountId, mid))!;
    const [session] = await w.t.database.db.select().from(sessions).where(eq(sessions.id, stored.sessionId));
    await expect
      .poll(async () => w.sandbox.calls({ method: 'GET', pathContains: psid }).length)
      .toBeGreaterThan(0);
    const [contact] = await w.t.database.db
      .select()
      .from(contacts)
      .where(eq(contacts.id, session!.contactId));
    expect(contact).toMatchObject({ name: null, avatarUrl: null });
  });

  it('is stored once when Meta delivers it twice', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    w.sandbox.setSwitches({ duplicate: true });
    const { mid } = await w.inject({ psid, text: 'Said once, delivered twice' });
    const rows = (await w.messagesOf(tenant.accountId)).filter((m) => m.channelMessageId === mid);
    expect(rows).toHaveLength(1);
    const deliveries = w.sandbox.deliveries().filter((d) => String(d.body).includes(mid));
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
  });

  it('keeps every attachment of a message that carries several, each as its own file', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const { mid } = await w.inject({
      psid,
      text: 'Three things',
      attachments: [
        { type: 'image', file: { filename: 'front.png', mime_type: 'image/png', base64: PNG } },
        { type: 'image', file: { filename: 'back.png', mime_type: 'image/png', base64: PNG } },
        {
          type: 'file',
          file: { filename: 'invoice.txt', mime_type: 'text/plain', base64: base64('Invoice 42\n') },
        },
      ],
    });
    const message = await settled(tenant.accountId, mid);
    const attachments = attachmentsOf(message);
    expect(attachments.map((a) => [a.kind, a.name, a.status])).toEqual([
      ['image', 'front.png', 'stored'],
      ['image', 'back.png', 'stored'],
      ['file', 'invoice.txt', 'stored'],
    ]);
    const stored = await w.t.database.db.select().from(files).where(eq(files.messageId, message.id));
    expect(stored.map((f) => f.name).sort()).toEqual(['back.png', 'front.png', 'invoice.txt']);
    expect(new Set(attachments.map((a) => a.fileId)).size).toBe(3);
  });

  it('shows the transition-period double sticker as one sticker, the Like sticker as a thumbs-up', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const { mid, event } = await w.inject({ psid, sticker: true });
    expect(((event.message as { attachments: unknown[] }).attachments ?? []).length).toBe(2);
    const message = await settled(tenant.accountId, mid);
    expect(attachmentsOf(message)).toEqual([
      expect.objectContaining({ kind: 'sticker', stickerId: '369239263222822', status: 'stored' }),
    ]);
    expect(message.metadata).toMatchObject({
      type: 'sticker',
      sticker: { stickerId: '369239263222822', like: true, emoji: '👍' },
    });
    expect(await w.t.database.db.select().from(files).where(eq(files.messageId, message.id))).toHaveLength(1);
  });

  it('marks a GIF as a GIF and stores it', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const { mid } = await w.inject({ psid, attachments: [{ type: 'gif' }] });
    const message = await settled(tenant.accountId, mid);
    expect(attachmentsOf(message)).toEqual([
      expect.objectContaining({ kind: 'gif', status: 'stored', contentType: 'image/gif' }),
    ]);
  });

  it('records a blocked file type without storing it, and an expired link as an error', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const blocked = await w.inject({
      psid,
      attachments: [
        {
          type: 'file',
          file: {
            filename: 'setup.exe',
            mime_type: 'application/x-msdownload',
            base64: base64('MZ-not-really'),
          },
        },
      ],
    });
    const message = await settled(tenant.accountId, blocked.mid);
    expect(attachmentsOf(message)[0]).toMatchObject({ name: 'setup.exe', status: 'blocked' });
    const [file] = await w.t.database.db.select().from(files).where(eq(files.messageId, message.id));
    expect(file).toMatchObject({ status: 'blocked', storageKey: null });

    const expired = await w.inject({
      psid,
      attachments: [{ type: 'image', url: `${w.sandbox.url}/cdn/gone/photo.jpg?oe=1&oh=0` }],
    });
    const failed = await settled(tenant.accountId, expired.mid);
    expect(attachmentsOf(failed)[0]!.error).toMatch(/could not be downloaded/);
  });

  it('keeps quick-reply and postback payloads, links a reply to the quoted message', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const first = await w.inject({ psid, text: 'Which plan?' });
    const quick = await w.inject({
      psid,
      text: 'Premium',
      quick_reply: { payload: 'PLAN_PREMIUM' },
      reply_to: first.mid,
    });
    const postback = await w.inject({
      psid,
      kind: 'postback',
      postback: { title: 'Talk to us', payload: 'CONTACT_US' },
    });
    const quickRow = (await w.messageByMid(tenant.accountId, quick.mid))!;
    const firstRow = (await w.messageByMid(tenant.accountId, first.mid))!;
    expect(quickRow).toMatchObject({ text: 'Premium', quotedMessageId: firstRow.id });
    expect(quickRow.metadata.quickReply).toEqual({ payload: 'PLAN_PREMIUM' });
    const postbackRow = (await w.messageByMid(tenant.accountId, postback.mid))!;
    expect(postbackRow).toMatchObject({ text: 'Talk to us', sessionId: firstRow.sessionId });
    expect(postbackRow.metadata).toMatchObject({ type: 'postback', postback: { payload: 'CONTACT_US' } });
  });

  it('shows reactions (and their removal) and keeps an edit with the original text', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const { mid } = await w.inject({ psid, text: 'My order is 1234' });
    await w.inject({
      psid,
      kind: 'reaction',
      reaction: { reaction: 'love', emoji: '❤️', action: 'react', mid },
    });
    expect((await w.messageByMid(tenant.accountId, mid))!.metadata.reactions).toEqual({ customer: '❤️' });
    await w.inject({ psid, kind: 'reaction', reaction: { action: 'unreact', mid } });
    expect((await w.messageByMid(tenant.accountId, mid))!.metadata.reactions).toEqual({});
    await w.inject({ psid, kind: 'message_edit', message_edit: { mid, text: 'My order is 1243' } });
    const edited = (await w.messageByMid(tenant.accountId, mid))!;
    expect(edited.text).toBe('My order is 1243');
    expect(edited.metadata.edits).toEqual([expect.objectContaining({ previousText: 'My order is 1234' })]);
  });
});
