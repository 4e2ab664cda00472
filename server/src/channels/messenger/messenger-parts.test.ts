import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { files, messages } from '../../db/schema.js';
import { call } from '../../../test/factories.js';
import { upload } from '../../../test/file-helpers.js';
import {
  startMessengerWorld,
  type MessengerTenant,
  type MessengerWorld,
} from '../../../test/messenger-world.js';

let w: MessengerWorld;

beforeAll(async () => {
  w = await startMessengerWorld();
});
afterAll(async () => w?.close());

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const row = async (id: string) =>
  (await w.t.database.db.select().from(messages).where(eq(messages.id, id)))[0]!;
const partsOf = async (id: string) =>
  ((await row(id)).metadata.messengerParts as Record<string, string> | undefined) ?? {};

/** Olga sends text and two files: three Messenger messages. Answers our message's id and its files' ids. */
async function sendInParts(tenant: MessengerTenant, sessionId: string, text: string) {
  const olga = tenant.f.sessions.olga!.headers;
  const uploaded = await upload(w.t.url, sessionId, olga, [
    { name: 'label.png', data: PNG, type: 'image/png' },
    { name: 'terms.txt', data: 'Terms and conditions\n', type: 'text/plain' },
  ]);
  expect(uploaded.status).toBe(201);
  const fileIds = (uploaded.body.items as Array<{ id: string }>).map((f) => f.id);
  return {
    fileIds,
    send: () =>
      call(w.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
        headers: olga,
        body: { text, fileIds },
      }),
  };
}

describe('a message sent in parts (text, then one Messenger message per file)', () => {
  it('is sent, and read, only once its last part is', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Send me the label and the terms');
    const { fileIds, send } = await sendInParts(tenant, sessionId, 'Here you are');
    // The last file cannot be read from the store for now: the first two parts go out, the third waits for
    // the outbox's retry.
    const [terms] = await w.t.database.db.select().from(files).where(eq(files.id, fileIds[1]!));
    const store = w.t.engine.fileStore;
    const bytes = await buffer(await store.get(terms!.storageKey!));
    await store.delete(terms!.storageKey!);
    const sent = await send();
    expect(sent.status).toBe(201);
    const id = sent.body.id as string;

    await expect
      .poll(async () => Object.keys(await partsOf(id)).sort(), { timeout: 15_000 })
      .toEqual(['0', '1']);
    await w.sandbox.idle();
    // Both parts were echoed; the message is named by its first part, but not sent while its last is not.
    const halfway = await row(id);
    expect(halfway.channelMessageId).toBe((await partsOf(id))['0']);
    expect(halfway.status).toBe('sending');
    // The customer reads what reached them: the message, missing its last part, is not read.
    await w.sandbox.customerRead({ product: 'messenger', customer: psid });
    await w.sandbox.idle();
    expect((await row(id)).status).toBe('sending');

    await store.put(terms!.storageKey!, Readable.from([bytes]));
    await expect.poll(async () => (await row(id)).status, { timeout: 30_000 }).toBe('sent');
    await w.sandbox.idle();
    expect(Object.keys(await partsOf(id)).sort()).toEqual(['0', '1', '2']);
    // The earlier read watermark came before the last part: it still does not count.
    expect((await row(id)).status).toBe('sent');
    await w.sandbox.customerRead({ product: 'messenger', customer: psid });
    await w.sandbox.idle();
    expect((await row(id)).status).toBe('read');
  });

  it('is what a customer’s reply or reaction to any of its parts refers to', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Which documents do I need?');
    const { send } = await sendInParts(tenant, sessionId, 'These two');
    const sent = await send();
    expect(sent.status).toBe(201);
    const id = sent.body.id as string;
    await expect.poll(async () => (await row(id)).status, { timeout: 15_000 }).toBe('sent');
    await w.sandbox.idle();
    const parts = await partsOf(id);

    // The customer quotes the last part (the terms), then reacts to the image.
    const reply = await w.inject({ psid, text: 'Do I sign this one?', reply_to: parts['2'] });
    expect((await w.messageByMid(tenant.accountId, reply.mid))!.quotedMessageId).toBe(id);
    await w.inject({
      psid,
      kind: 'reaction',
      reaction: { reaction: 'like', emoji: '👍', action: 'react', mid: parts['1']! },
    });
    expect((await row(id)).metadata.reactions).toEqual({ customer: '👍' });

    // What the operator's workspace shows: the reply quoting our message.
    const listed = await call(w.t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, {
      headers: tenant.f.sessions.olga!.headers,
    });
    const items = (listed.body.items ?? listed.body) as Array<Record<string, unknown>>;
    expect(items.find((m) => m.text === 'Do I sign this one?')).toMatchObject({ quotedMessageId: id });
  });
});
