import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '@switchboard/sandbox/sandbox';
import { call } from '../../test/factories.js';
import { engineFixture, type EngineFixture } from '../../test/engine-setup.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { files, messages } from '../db/schema.js';

const APP_SECRET = 'blocked-inbound-secret';
const VERIFY_TOKEN = 'blocked-inbound-verify';
// Unique per run: the PostgreSQL test database is shared between runs.
const NUMBER = {
  phoneNumberId: `7${String(Date.now()).slice(-10)}`,
  displayPhoneNumber: `1555${String(Date.now()).slice(-6)}`,
  wabaId: `8${String(Date.now()).slice(-10)}`,
  accessToken: 'blocked-inbound-token',
};
const CUSTOMER = '16505550199';

let t: TestApp;
let sandbox: RunningSandbox;
let f: EngineFixture;
let accountId: string;
const callbackUrls: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    control: true,
    app: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, whatsappCallbackUrls: callbackUrls },
    whatsapp: { numbers: [NUMBER], customers: [{ waId: CUSTOMER, name: 'Mallory Customer' }] },
    switches: { statusProgression: 'none' },
  });
  t = await startTestApp({ config: { GRAPH_API_BASE_URL: sandbox.url, GRAPH_API_VERSION: 'v23.0' } });
  callbackUrls.push(`${t.url}/webhooks/whatsapp`);
  f = await engineFixture(t);
  const connected = await call(t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
    headers: f.sessions.admin!.headers,
    body: { name: 'Support line', ...NUMBER, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN },
  });
  expect(connected.status).toBe(201);
  accountId = connected.body.id;
});
afterAll(async () => {
  f?.close();
  await t?.close();
  await sandbox?.close();
});

describe('blocked types inbound on WhatsApp', () => {
  it('keeps a blocked file out of storage; the operator sees "blocked file: name, type" on the message', async () => {
    // A Windows program that calls itself a PDF: blocked by its bytes, whatever the name and declared type say.
    const program = Buffer.concat([Buffer.from('MZ'), randomBytes(4000)]);
    const sent = await sandbox.injectWhatsApp({
      phone_number_id: NUMBER.phoneNumberId,
      from: CUSTOMER,
      type: 'document',
      document: { filename: 'invoice.pdf', mime_type: 'application/pdf' },
      file: { filename: 'invoice.pdf', mime_type: 'application/pdf', base64: program.toString('base64') },
    } as never);
    await sandbox.idle();
    const message = async () =>
      (
        await t.database.db
          .select()
          .from(messages)
          .where(and(eq(messages.channelAccountId, accountId), eq(messages.channelMessageId, sent.id)))
      )[0];
    await expect
      .poll(async () => ((await message())?.metadata.attachments as any[] | undefined)?.[0]?.status, {
        timeout: 15_000,
      })
      .toBe('blocked');
    const row = (await message())!;
    expect((row.metadata.attachments as any[])[0]).toMatchObject({
      name: 'invoice.pdf',
      status: 'blocked',
      error: 'blocked file: invoice.pdf, application/x-msdownload',
    });
    const stored = await t.database.db.select().from(files).where(eq(files.messageId, row.id));
    expect(stored).toEqual([
      expect.objectContaining({ status: 'blocked', storageKey: null, size: null, sha256: null }),
    ]);
    // What the operator's workspace reads: the message in the session, with the blocked file.
    const list = await call(t.url, 'GET', `/api/v1/sessions/${row.sessionId}/files`, {
      headers: f.sessions.supervisor!.headers,
    });
    expect(list.body.items).toMatchObject([
      {
        name: 'invoice.pdf',
        status: 'blocked',
        contentUrl: null,
        error: 'blocked file: invoice.pdf, application/x-msdownload',
      },
    ]);
  });
});
