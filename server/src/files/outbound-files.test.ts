import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../test/factories.js';
import { upload } from '../../test/file-helpers.js';
import { engineFixture, type EngineFixture } from '../../test/engine-setup.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { createTestChannelAccount, createTestSession } from '../../test/session-factory.js';
import { startWebchat } from '../../test/webchat-client.js';
import { files, messages, sessions } from '../db/schema.js';

const payload = (e: { payload: unknown }) => e.payload as any;

let t: TestApp;
let f: EngineFixture;

beforeAll(async () => {
  t = await startTestApp();
  f = await engineFixture(t);
});
afterAll(async () => {
  f?.close();
  t.app.server.closeAllConnections();
  await t?.close();
});

const olga = () => f.sessions.olga!.headers;
const send = (sessionId: string, body: Record<string, unknown>) =>
  call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, { headers: olga(), body });
const messageCount = async (sessionId: string) =>
  (await t.database.db.select().from(messages).where(eq(messages.sessionId, sessionId))).length;

/** An active session of Olga's on another channel, its customer within the window. */
async function sessionOn(channel: 'whatsapp' | 'messenger') {
  const account = await createTestChannelAccount(t.database, f.tenant, channel);
  const session = await createTestSession(t.database, f.tenant, {
    channelAccountId: account.id,
    operatorId: f.tenant.operators[0]!.id,
  });
  await t.database.db
    .update(sessions)
    .set({ channel, lastCustomerMessageAt: new Date() })
    .where(eq(sessions.id, session.id));
  return session;
}

describe('operators send files', () => {
  it('on web chat: the customer sees the files in the widget and may open them by link', async () => {
    await f.available('olga');
    const customer = await startWebchat(t.url, f.key, { name: 'Jana', question: 'Do you have the manual?' });
    const offer = await f.sockets.olga!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).session.firstMessage === 'Do you have the manual?',
    );
    await call(t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, { headers: olga() });
    const sessionId = payload(offer).sessionId as string;
    await customer.connect();

    const uploaded = await upload(t.url, sessionId, olga(), [
      { name: 'manual.txt', data: 'Step 1: unpack.', type: 'text/plain' },
    ]);
    expect(uploaded.status).toBe(201);
    const fileId = uploaded.body.items[0].id as string;
    const sent = await send(sessionId, { text: 'Here it is', fileIds: [fileId] });
    expect(sent.status).toBe(201);
    expect(sent.body.metadata.attachments).toEqual([
      { fileId, name: 'manual.txt', status: 'stored', size: 15, contentType: 'text/plain' },
    ]);

    const event = await customer.waitFor(
      (e) => e.name === 'visitor.message' && payload(e).text === 'Here it is',
    );
    expect(payload(event).files).toMatchObject([{ id: fileId, name: 'manual.txt', size: 15 }]);
    const links = await customer.request('POST', '/file-links', { fileIds: [fileId] });
    expect(await (await fetch(links.body.items[0].url)).text()).toBe('Step 1: unpack.');

    // A file goes out once: sending it again is refused.
    const again = await send(sessionId, { text: 'Once more', fileIds: [fileId] });
    expect(again.status).toBe(409);
    customer.close();
  });

  it('refuses at send a type blocked since the upload, with the reason, storing nothing', async () => {
    const session = await createTestSession(t.database, f.tenant, { operatorId: f.tenant.operators[0]!.id });
    const uploaded = await upload(t.url, session.id, olga(), [
      { name: 'tool.sh', data: '#!/bin/sh\necho hi\n' },
    ]);
    const fileId = uploaded.body.items[0].id as string;
    const blocked = await call(t.url, 'PUT', '/api/v1/admin/blocked-file-types', {
      headers: f.sessions.admin!.headers,
      body: { mimeTypes: [], extensions: ['sh'] },
    });
    expect(blocked.status).toBe(200);
    try {
      const refused = await send(session.id, { text: 'Try this', fileIds: [fileId] });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details).toMatchObject({ reason: 'file_type_blocked', name: 'tool.sh' });
      expect(await messageCount(session.id)).toBe(0);
      const [row] = await t.database.db.select().from(files).where(eq(files.id, fileId));
      expect(row!.messageId).toBeNull();
    } finally {
      await call(t.url, 'PUT', '/api/v1/admin/blocked-file-types', {
        headers: f.sessions.admin!.headers,
        body: { mimeTypes: [], extensions: [] },
      });
    }
  });

  it("refuses at send what WhatsApp and Messenger do not take, with the channel's reason", async () => {
    const whatsapp = await sessionOn('whatsapp');
    const gif = Buffer.concat([Buffer.from('GIF89a'), randomBytes(64)]);
    const gifId = (await upload(t.url, whatsapp.id, olga(), [{ name: 'funny.gif', data: gif }])).body.items[0]
      .id;
    const refusedType = await send(whatsapp.id, { text: '', fileIds: [gifId] });
    expect(refusedType.status).toBe(422);
    expect(refusedType.body.error).toMatchObject({
      message: 'WhatsApp does not accept files of type image/gif: funny.gif',
      details: { reason: 'channel_type_unsupported' },
    });
    expect(await messageCount(whatsapp.id)).toBe(0);

    const messenger = await sessionOn('messenger');
    const big = (
      await upload(t.url, messenger.id, olga(), [
        { name: 'big.bin', data: randomBytes(25 * 1024 * 1024 + 1) },
      ])
    ).body.items[0].id;
    const refusedSize = await send(messenger.id, { text: 'A big one', fileIds: [big] });
    expect(refusedSize.status).toBe(422);
    expect(refusedSize.body.error).toMatchObject({
      message: 'Messenger accepts file files up to 25 MB: big.bin',
      details: { reason: 'channel_file_too_large', limitBytes: 25 * 1024 * 1024 },
    });
    expect(await messageCount(messenger.id)).toBe(0);
  });
});
