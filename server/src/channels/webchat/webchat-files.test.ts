import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { files, messages } from '../../db/schema.js';
import { call } from '../../../test/factories.js';
import { engineFixture, type EngineFixture } from '../../../test/engine-setup.js';
import { startTestApp, type TestApp } from '../../../test/harness.js';
import { startWebchat, type WebchatCustomer } from '../../../test/webchat-client.js';

const payload = (e: { payload: unknown }) => e.payload as any;
const MAX = 64 * 1024;

let t: TestApp;
let f: EngineFixture;

beforeAll(async () => {
  t = await startTestApp({ config: { MAX_UPLOAD_BYTES: String(MAX) } });
  f = await engineFixture(t);
});
afterAll(async () => {
  f?.close();
  t.app.server.closeAllConnections();
  await t?.close();
});

/** The widget's multipart upload: the fields first, then the files. */
async function sendFiles(
  customer: { token: string } | null,
  parts: {
    clientMessageId?: string;
    text?: string;
    files: Array<{ name: string; data: Buffer | string; type?: string }>;
  },
  key = f.key,
) {
  const form = new FormData();
  if (parts.clientMessageId) form.append('clientMessageId', parts.clientMessageId);
  if (parts.text) form.append('text', parts.text);
  for (const file of parts.files)
    form.append('file', new Blob([file.data], { type: file.type ?? 'application/octet-stream' }), file.name);
  const response = await fetch(`${t.url}/api/v1/webchat/${key}/files`, {
    method: 'POST',
    headers: customer ? { 'x-visitor-token': customer.token } : {},
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function filesOfMessage(messageId: string) {
  return t.database.db.select().from(files).where(eq(files.messageId, messageId));
}

/** A customer whose chat Olga has accepted, with the widget's socket open. */
async function chattingCustomer(question: string): Promise<{ customer: WebchatCustomer; sessionId: string }> {
  await f.available('olga');
  const customer = await startWebchat(t.url, f.key, { name: 'Karel', question });
  const offer = await f.sockets.olga!.waitFor(
    (e) => e.name === 'offer.created' && payload(e).session.firstMessage === question,
  );
  const accepted = await call(t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
    headers: f.sessions.olga!.headers,
  });
  expect(accepted.status).toBe(200);
  await customer.connect();
  return { customer, sessionId: payload(offer).sessionId };
}

describe('web chat: files from the customer', () => {
  it('sends several files as one message; both sides see them, previews arrive over the socket', async () => {
    const { customer, sessionId } = await chattingCustomer('Photos of the damage');
    const photo = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#ff8800' } })
      .png()
      .toBuffer();
    const clientMessageId = randomUUID();
    const sent = await sendFiles(customer, {
      clientMessageId,
      text: 'Here they are',
      files: [
        { name: 'box.png', data: photo, type: 'image/png' },
        { name: 'notes.txt', data: 'Dented on the left side.\n', type: 'text/plain' },
      ],
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ sessionId, duplicate: false, message: { text: 'Here they are' } });
    // The thumbnail may or may not be made yet (the preview job starts when the upload commits).
    expect(sent.body.message.files).toMatchObject([
      { name: 'box.png', contentType: 'image/png', size: photo.length, status: 'stored' },
      { name: 'notes.txt', contentType: 'text/plain', status: 'stored' },
    ]);
    const messageId = sent.body.message.id as string;
    const [image, text] = sent.body.message.files as Array<{ id: string }>;

    // The operator's message carries the files as attachments.
    const created = await f.sockets.olga!.waitFor(
      (e) => e.name === 'message.created' && payload(e).id === messageId,
    );
    expect(payload(created).metadata.attachments).toMatchObject([
      { fileId: image!.id, name: 'box.png', status: 'stored', contentType: 'image/png' },
      { fileId: text!.id, name: 'notes.txt', status: 'stored' },
    ]);
    expect(await filesOfMessage(messageId)).toHaveLength(2);
    expect((await filesOfMessage(messageId)).every((row) => row.sessionId === sessionId)).toBe(true);

    // The worker makes the thumbnail; the message is announced again to the operator and to the widget.
    const updated = await f.sockets.olga!.waitFor(
      (e) =>
        e.name === 'message.updated' &&
        payload(e).id === messageId &&
        !!payload(e).metadata.attachments[0].thumbnail,
      15_000,
    );
    expect(payload(updated).metadata.attachments[0].thumbnail).toEqual({ width: 320, height: 213 });
    const visitorUpdate = await customer.waitFor(
      (e) => e.name === 'visitor.message.updated' && payload(e).id === messageId,
      15_000,
    );
    expect(payload(visitorUpdate).files[0].thumbnail).toEqual({ width: 320, height: 213 });

    // Short-lived links for the widget: the file and its thumbnail, without signing in.
    const links = await customer.request('POST', '/file-links', { fileIds: [image!.id, text!.id] });
    expect(links.status).toBe(200);
    const imageLink = links.body.items.find((l: any) => l.fileId === image!.id);
    const download = await fetch(imageLink.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(photo)).toBe(true);
    const thumbnail = await fetch(imageLink.thumbnailUrl);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect(links.body.items.find((l: any) => l.fileId === text!.id).thumbnailUrl).toBeNull();

    // Sent again after a lost answer: the same message, no second copy of the files.
    const again = await sendFiles(customer, {
      clientMessageId,
      files: [{ name: 'box.png', data: photo, type: 'image/png' }],
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, message: { id: messageId } });
    const ofSession = await t.database.db.select().from(files).where(eq(files.sessionId, sessionId));
    expect(ofSession).toHaveLength(2);
    customer.close();
  });

  it('a first message of files starts the chat', async () => {
    const customer = await startWebchat(t.url, f.key, { name: 'Eva' });
    const sent = await sendFiles(customer, {
      clientMessageId: randomUUID(),
      files: [{ name: 'order.txt', data: 'Order 1234', type: 'text/plain' }],
    });
    expect(sent.status).toBe(200);
    const conversation = await customer.request('GET', '/chat');
    expect(conversation.body.session).toMatchObject({ id: sent.body.sessionId });
    expect(conversation.body.messages.at(-1).files).toMatchObject([{ name: 'order.txt', status: 'stored' }]);
  });

  it('refuses a too large or empty file with its reason and keeps none of the request', async () => {
    const customer = await startWebchat(t.url, f.key, { name: 'Big' });
    const tenantFiles = async () =>
      (await t.database.db.select().from(files).where(eq(files.tenantId, f.tenant.id))).length;
    const before = await tenantFiles();
    const tooLarge = await sendFiles(customer, {
      clientMessageId: randomUUID(),
      files: [
        { name: 'small.txt', data: 'fine', type: 'text/plain' },
        { name: 'video.bin', data: randomBytes(MAX + 1) },
      ],
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toMatchObject({
      code: 'payload_too_large',
      details: { reason: 'file_too_large' },
    });
    const empty = await sendFiles(customer, {
      clientMessageId: randomUUID(),
      files: [{ name: 'empty.txt', data: '' }],
    });
    expect(empty.status).toBe(422);
    expect(empty.body.error.details).toMatchObject({ reason: 'file_empty' });
    const noId = await sendFiles(customer, { files: [{ name: 'a.txt', data: 'a' }] });
    expect(noId.status).toBe(400);
    expect(await tenantFiles()).toBe(before);
    // No chat was started by any of them.
    expect((await customer.request('GET', '/chat')).body.session).toBeNull();
  });

  it('refuses a blocked type: nothing stored, the operator sees "blocked file: name, type"', async () => {
    const { customer, sessionId } = await chattingCustomer('About my invoice');
    const program = Buffer.concat([Buffer.from('MZ'), randomBytes(2000)]);
    const refused = await sendFiles(customer, {
      clientMessageId: randomUUID(),
      files: [
        { name: 'fine.txt', data: 'harmless', type: 'text/plain' },
        { name: 'invoice.pdf', data: program, type: 'application/pdf' },
      ],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toMatchObject({
      reason: 'file_type_blocked',
      name: 'invoice.pdf',
      type: 'application/x-msdownload',
    });
    const messageId = refused.body.error.details.messageId as string;
    const created = await f.sockets.olga!.waitFor(
      (e) => e.name === 'message.created' && payload(e).id === messageId,
    );
    expect(payload(created).metadata.attachments).toEqual([
      expect.objectContaining({
        status: 'blocked',
        error: 'blocked file: invoice.pdf, application/x-msdownload',
      }),
    ]);
    const rows = await t.database.db.select().from(files).where(eq(files.sessionId, sessionId));
    expect(rows.map((r) => [r.name, r.status, r.storageKey])).toEqual([['invoice.pdf', 'blocked', null]]);
    const [message] = await t.database.db.select().from(messages).where(eq(messages.id, messageId));
    expect(message!.text).toBeNull();
    customer.close();
  });

  it('gives links only to the visitor whose chat holds the file', async () => {
    const owner = await startWebchat(t.url, f.key, { name: 'Owner' });
    const sent = await sendFiles(owner, {
      clientMessageId: randomUUID(),
      files: [{ name: 'private.txt', data: 'mine', type: 'text/plain' }],
    });
    const fileId = sent.body.message.files[0].id as string;
    const stranger = await startWebchat(t.url, f.key, { name: 'Stranger' });
    expect((await stranger.request('POST', '/file-links', { fileIds: [fileId] })).body.items).toEqual([]);
    expect((await owner.request('POST', '/file-links', { fileIds: [fileId] })).body.items).toHaveLength(1);
    expect(
      (await sendFiles(null, { clientMessageId: 'x', files: [{ name: 'a.txt', data: 'a' }] })).status,
    ).toBe(401);
    const config = await call(t.url, 'GET', `/api/v1/webchat/${f.key}/config`);
    expect(config.body.files).toMatchObject({
      maxUploadBytes: MAX,
      maxFilesPerMessage: 10,
      blockedFileTypes: { extensions: expect.arrayContaining(['exe']) },
    });
  });
});
