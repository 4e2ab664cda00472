import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoTemplates } from '@switchboard/sandbox/demo-config';
import { startSandbox, type RunningSandbox } from '@switchboard/sandbox/sandbox';
import { channelAccounts, contactIdentities, contacts, files, messages, sessions } from '../../db/schema.js';
import { call, logIn } from '../../../test/factories.js';
import { engineFixture, type EngineFixture } from '../../../test/engine-setup.js';
import { startTestApp, type TestApp } from '../../../test/harness.js';

const APP_SECRET = 'test-app-secret';
const VERIFY_TOKEN = 'test-verify-token';
// Numbers unique to this run: the PostgreSQL test database is shared between runs and files.
const prefix = String(Date.now()).slice(-9);
const NUMBERS = Array.from({ length: 40 }, (_, i) => ({
  phoneNumberId: `${prefix}${String(i).padStart(2, '0')}`,
  displayPhoneNumber: `1555${prefix.slice(-4)}${String(i).padStart(2, '0')}`,
  wabaId: `9${prefix}`,
  accessToken: `token-${i}`,
}));
const SHEENA = '16505551234';
const JOAO = '5511987654321';
const JESS = 'US.13491208655302741918';

let t: TestApp;
let sandbox: RunningSandbox;
let f: EngineFixture | undefined;
let nextNumber = 0;
const callbackUrls: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    control: true,
    retryDelaysMs: [200, 400],
    app: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, whatsappCallbackUrls: callbackUrls },
    whatsapp: {
      numbers: NUMBERS,
      customers: [
        { waId: SHEENA, name: 'Sheena Nelson' },
        { waId: JOAO, phone: '551187654321', name: 'João Silva' },
        { bsuid: JESS, name: 'Jess', username: 'jess.design' },
        { waId: '420777123456', name: 'Karel Novák' },
      ],
      templates: demoTemplates,
    },
    switches: { statusProgression: 'none' },
  });
  t = await startTestApp({ config: { GRAPH_API_BASE_URL: sandbox.url, GRAPH_API_VERSION: 'v23.0' } });
  // The sandbox reads its callback list at delivery time: the app's URL is known only now.
  callbackUrls.push(`${t.url}/webhooks/whatsapp`);
});
afterAll(async () => {
  await t?.close();
  await sandbox?.close();
});
afterEach(() => {
  f?.close();
  f = undefined;
  sandbox.setSwitches({
    statusProgression: 'none',
    statusBeforeResponse: false,
    duplicate: false,
    reorder: false,
    batchSize: 1,
    windowMode: 'async',
  });
});

/** A tenant with operators and a connected sandbox number of its own. */
async function connectedTenant() {
  f = await engineFixture(t);
  const number = NUMBERS[nextNumber++]!;
  const connected = await call(t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
    headers: f.sessions.admin!.headers,
    body: { name: 'Support line', ...number, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN },
  });
  expect(connected.status).toBe(201);
  return { f, number, accountId: connected.body.id as string };
}

async function inject(number: { phoneNumberId: string }, input: Record<string, unknown>) {
  const result = await sandbox.injectWhatsApp({ phone_number_id: number.phoneNumberId, ...input } as never);
  await sandbox.idle();
  return result;
}

async function messageByWamid(accountId: string, wamid: string) {
  const [row] = await t.database.db
    .select()
    .from(messages)
    .where(and(eq(messages.channelAccountId, accountId), eq(messages.channelMessageId, wamid)));
  return row;
}

async function messagesOf(accountId: string) {
  return t.database.db
    .select()
    .from(messages)
    .where(eq(messages.channelAccountId, accountId))
    .orderBy(messages.position);
}

/** Sheena writes, Olga accepts: the active session's id and the first inbound message. */
async function activeSession(number: { phoneNumberId: string }, accountId: string, from = SHEENA) {
  await f!.available('olga');
  const first = await inject(number, { from, type: 'text', text: { body: `I need help (${from})` } });
  const offer = await f!.sockets.olga!.waitFor(
    (e) => e.name === 'offer.created' && (e.payload as any).session.firstMessage === `I need help (${from})`,
  );
  const accepted = await call(t.url, 'POST', `/api/v1/offers/${(offer.payload as any).id}/accept`, {
    headers: f!.sessions.olga!.headers,
  });
  expect(accepted.status).toBe(200);
  const sessionId = accepted.body.id as string;
  // The "joined" system message goes to the customer too: let it be sent before the test's own sends.
  await expect
    .poll(
      async () => {
        const rows = await t.database.db.select().from(messages).where(eq(messages.sessionId, sessionId));
        return rows.filter((m) => m.direction === 'out' && m.status === 'sending').length;
      },
      { timeout: 15_000 },
    )
    .toBe(0);
  return { sessionId, inbound: (await messageByWamid(accountId, first.id))! };
}

async function reply(sessionId: string, text: string, quotedMessageId?: string) {
  const sent = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
    headers: f!.sessions.olga!.headers,
    body: { text, ...(quotedMessageId ? { quotedMessageId } : {}) },
  });
  expect(sent.status).toBe(201);
  return sent.body.id as string;
}

async function statusOf(messageId: string) {
  const [row] = await t.database.db.select().from(messages).where(eq(messages.id, messageId));
  return row!;
}

const sign = (body: string) => `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;

describe('connecting a number', () => {
  it('is for admins, seals the secrets and never returns them, and refuses a number twice', async () => {
    f = await engineFixture(t);
    const number = NUMBERS[nextNumber++]!;
    const body = { name: 'Sales', ...number, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN };
    const asOperator = await call(t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
      headers: f.sessions.olga!.headers,
      body,
    });
    expect(asOperator.status).toBe(403);
    const connected = await call(t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
      headers: f.sessions.admin!.headers,
      body,
    });
    expect(connected.status).toBe(201);
    expect(connected.body).toEqual({
      id: expect.any(String),
      channel: 'whatsapp',
      name: 'Sales',
      phoneNumberId: number.phoneNumberId,
      wabaId: number.wabaId,
      displayPhoneNumber: number.displayPhoneNumber,
    });
    const [row] = await t.database.db
      .select()
      .from(channelAccounts)
      .where(eq(channelAccounts.id, connected.body.id));
    expect(row!.credentialsEncrypted).not.toContain(number.accessToken);
    expect(row!.credentialsEncrypted).not.toContain(APP_SECRET);
    const again = await call(t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
      headers: f.sessions.admin!.headers,
      body,
    });
    expect(again.status).toBe(409);
    const openapi = await call(t.url, 'GET', '/api/v1/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/channel-accounts/whatsapp',
        '/api/v1/sessions/{id}/whatsapp-template',
      ]),
    );
  });
});

describe('the webhook', () => {
  it('answers the hub.* handshake with the challenge for a known verify token only', async () => {
    await connectedTenant();
    const [result] = await sandbox.verifySubscription('whatsapp');
    expect(result).toMatchObject({ ok: true });
    const wrong = await fetch(
      `${t.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=nope`,
    );
    expect(wrong.status).toBe(403);
  });

  it('refuses a wrong or missing signature with 401 and stores nothing; non-JSON with a good one is 400', async () => {
    const { number, accountId } = await connectedTenant();
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: number.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: number.displayPhoneNumber,
                  phone_number_id: number.phoneNumberId,
                },
                contacts: [{ profile: { name: 'Mallory' }, wa_id: SHEENA }],
                messages: [
                  {
                    from: SHEENA,
                    id: 'wamid.forged',
                    timestamp: '1750000000',
                    type: 'text',
                    text: { body: 'forged' },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    for (const mode of ['invalid', 'missing'] as const) {
      const [delivery] = await sandbox.sendRawWebhook('whatsapp', payload, mode);
      expect(delivery!.status).toBe(401);
    }
    expect(await messagesOf(accountId)).toEqual([]);
    const garbage = 'not json {';
    const bad = await fetch(`${t.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(garbage) },
      body: garbage,
    });
    expect(bad.status).toBe(400);
    const [good] = await sandbox.sendRawWebhook('whatsapp', payload, 'valid');
    expect(good!.status).toBe(200);
    expect((await messagesOf(accountId)).map((m) => m.text)).toEqual(['forged']);
  });

  it('keeps the rest of a batch when one item is bad, and ignores numbers it does not serve', async () => {
    const { number, accountId } = await connectedTenant();
    const value = (phoneNumberId: string, items: unknown[]) => ({
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '1', phone_number_id: phoneNumberId },
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: SHEENA }],
        messages: items,
      },
    });
    const message = (id: string, body: string) => ({
      from: SHEENA,
      id,
      timestamp: '1750000000',
      type: 'text',
      text: { body },
    });
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: number.wabaId,
          changes: [
            value(number.phoneNumberId, [
              message('wamid.b1', 'one'),
              { from: SHEENA, type: 'text' },
              message('wamid.b2', 'two'),
            ]),
          ],
        },
        'garbage',
        {
          id: number.wabaId,
          changes: [
            value('999999999', [message('wamid.other', 'elsewhere')]),
            value(number.phoneNumberId, [message('wamid.b3', 'three')]),
          ],
        },
      ],
    };
    const [delivery] = await sandbox.sendRawWebhook('whatsapp', payload, 'valid');
    expect(delivery!.status).toBe(200);
    expect((await messagesOf(accountId)).map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });
});

describe('inbound messages', () => {
  it('creates the contact from the profile and a session, and a duplicate delivery changes nothing', async () => {
    const { number, accountId } = await connectedTenant();
    sandbox.setSwitches({ duplicate: true });
    const sent = await inject(number, { from: SHEENA, type: 'text', text: { body: 'Dobrý den 👋' } });
    await inject(number, { from: SHEENA, type: 'text', id: sent.id, text: { body: 'Dobrý den 👋' } });
    const stored = await messagesOf(accountId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ text: 'Dobrý den 👋', direction: 'in', status: 'received' });
    const [session] = await t.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.channelAccountId, accountId));
    const [contact] = await t.database.db.select().from(contacts).where(eq(contacts.id, session!.contactId));
    expect(contact).toMatchObject({ name: 'Sheena Nelson', phone: `+${SHEENA}` });
    const identities = await t.database.db
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.contactId, contact!.id));
    expect(identities.map((i) => [i.kind, i.value])).toEqual([['wa_id', SHEENA]]);
    // Meta's timestamp (whole seconds), not the time it arrived.
    expect(session!.lastCustomerMessageAt!.getTime() % 1000).toBe(0);
  });

  it('turns every type into a message: media pending then stored, location, contacts, replies, reactions, unsupported', async () => {
    const { number, accountId } = await connectedTenant();
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const text = await inject(number, { from: SHEENA, type: 'text', text: { body: 'Hello' } });
    const image = await inject(number, {
      from: SHEENA,
      type: 'image',
      image: { caption: 'Broken box' },
      file: { mime_type: 'image/png', base64: png.toString('base64') },
    });
    const voice = await inject(number, {
      from: SHEENA,
      type: 'audio',
      audio: { voice: true, mime_type: 'audio/ogg; codecs=opus' },
    });
    const doc = await inject(number, {
      from: SHEENA,
      type: 'document',
      document: { filename: 'Příloha — faktura.pdf', mime_type: 'application/pdf' },
    });
    const sticker = await inject(number, { from: SHEENA, type: 'sticker', sticker: {} });
    const location = await inject(number, {
      from: SHEENA,
      type: 'location',
      location: { latitude: 50.08, longitude: 14.42, name: 'Office' },
    });
    const card = await inject(number, {
      from: SHEENA,
      type: 'contacts',
      contacts: [
        { name: { formatted_name: 'Jan Novák' }, phones: [{ phone: '+420 777 000 111', type: 'CELL' }] },
      ],
    });
    const button = await inject(number, {
      from: SHEENA,
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'cancel-button', title: 'Cancel' } },
    });
    const quick = await inject(number, {
      from: SHEENA,
      type: 'button',
      button: { payload: 'STOP', text: 'Unsubscribe' },
    });
    const quoted = await inject(number, {
      from: SHEENA,
      type: 'text',
      text: { body: 'About this' },
      reply_to: text.id,
    });
    const forwarded = await inject(number, {
      from: SHEENA,
      type: 'text',
      text: { body: 'Look' },
      context: { forwarded: true },
    });
    const unsupported = await inject(number, {
      from: SHEENA,
      type: 'unsupported',
      unsupported: { type: 'poll' },
    });
    const failedMedia = await inject(number, { from: SHEENA, type: 'video', video: {}, media_error: true });
    await inject(number, { from: SHEENA, type: 'reaction', reaction: { message_id: text.id, emoji: '👍' } });

    const get = (wamid: string) => messageByWamid(accountId, wamid);
    expect(await get(image.id)).toMatchObject({ text: 'Broken box', metadata: { type: 'image' } });
    expect((await get(voice.id))!.metadata).toMatchObject({ type: 'audio', voice: true });
    expect((await get(doc.id))!.metadata).toMatchObject({ attachments: [{ name: 'Příloha — faktura.pdf' }] });
    expect((await get(sticker.id))!.metadata).toMatchObject({
      type: 'sticker',
      attachments: [{ name: 'sticker.webp' }],
    });
    expect(await get(location.id)).toMatchObject({
      text: 'Office\n50.08, 14.42',
      metadata: { location: { latitude: 50.08 } },
    });
    expect((await get(card.id))!.text).toBe('Jan Novák +420 777 000 111');
    expect(await get(button.id)).toMatchObject({
      text: 'Cancel',
      metadata: { interactive: { id: 'cancel-button' } },
    });
    expect(await get(quick.id)).toMatchObject({
      text: 'Unsubscribe',
      metadata: { button: { payload: 'STOP' } },
    });
    const original = (await get(text.id))!;
    expect((await get(quoted.id))!.quotedMessageId).toBe(original.id);
    expect((await get(forwarded.id))!.metadata).toMatchObject({ forwarded: true });
    expect(await get(unsupported.id)).toMatchObject({
      text: 'unsupported: poll',
      metadata: { unsupportedType: 'poll' },
    });
    expect((await get(failedMedia.id))!.metadata).toMatchObject({ mediaError: { code: '131052' } });
    expect(original.metadata).toMatchObject({ reactions: { customer: '👍' } });

    // The media arrive as files through the download job.
    await expect
      .poll(async () => ((await get(image.id))!.metadata.attachments as any[])[0].fileId, { timeout: 15_000 })
      .toBeTruthy();
    const [file] = await t.database.db
      .select()
      .from(files)
      .where(eq(files.messageId, (await get(image.id))!.id));
    expect(file).toMatchObject({ status: 'stored', size: png.length, contentType: 'image/png' });
    await expect
      .poll(async () => ((await get(doc.id))!.metadata.attachments as any[])[0].fileId, { timeout: 15_000 })
      .toBeTruthy();
    const getMedia = sandbox.calls({ method: 'GET' }).filter((c) => c.path.includes(`/v23.0/`));
    expect(getMedia.length).toBeGreaterThan(0);

    await inject(number, { from: SHEENA, type: 'reaction', reaction: { message_id: text.id, emoji: '' } });
    expect((await get(text.id))!.metadata.reactions).toEqual({});
  });

  it('records a media download that Meta refuses on the message', async () => {
    const { number, accountId } = await connectedTenant();
    // Revoked first: the download job may start as soon as the message is stored.
    sandbox.revokeToken(number.accessToken);
    const sent = await inject(number, { from: SHEENA, type: 'image', image: { caption: 'Receipt' } });
    const message = await messageByWamid(accountId, sent.id);
    expect(message).toMatchObject({ text: 'Receipt', metadata: { attachments: [{ name: 'image.jpg' }] } });
    await expect
      .poll(
        async () => ((await messageByWamid(accountId, sent.id))!.metadata.attachments as any[])[0].error,
        {
          timeout: 20_000,
        },
      )
      .toMatch(/could not be downloaded/);
  });

  it('keys a Brazilian customer by the wa_id Meta gives, not the number they wrote from', async () => {
    const { number, accountId } = await connectedTenant();
    const sent = await inject(number, { from: JOAO, type: 'text', text: { body: 'Olá' } });
    const message = await messageByWamid(accountId, sent.id);
    const [session] = await t.database.db.select().from(sessions).where(eq(sessions.id, message!.sessionId));
    const [contact] = await t.database.db.select().from(contacts).where(eq(contacts.id, session!.contactId));
    expect(contact).toMatchObject({ name: 'João Silva', phone: `+${JOAO}` });
  });

  it('answers 200 to a signed webhook for a number it does not serve, and stores nothing', async () => {
    const { accountId } = await connectedTenant();
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '1', phone_number_id: '123' },
                messages: [
                  { from: SHEENA, id: 'wamid.x', timestamp: '1750000000', type: 'text', text: { body: 'x' } },
                ],
              },
            },
          ],
        },
      ],
    };
    const [delivery] = await sandbox.sendRawWebhook('whatsapp', payload, 'valid');
    expect(delivery!.status).toBe(200);
    expect(await messagesOf(accountId)).toEqual([]);
  });

  it('takes a BSUID-only customer', async () => {
    const { number, accountId } = await connectedTenant();
    const sent = await inject(number, { from: JESS, type: 'text', text: { body: 'hi from a username' } });
    const message = await messageByWamid(accountId, sent.id);
    const [session] = await t.database.db.select().from(sessions).where(eq(sessions.id, message!.sessionId));
    const identities = await t.database.db
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.contactId, session!.contactId));
    expect(identities.map((i) => [i.kind, i.value])).toEqual([['bsuid', JESS]]);
  });
});

describe('outbound messages and statuses', () => {
  it('sends text with a quote through the outbox and moves the status forward to read', async () => {
    const { number, accountId } = await connectedTenant();
    sandbox.setSwitches({ statusProgression: 'read' });
    const { sessionId, inbound } = await activeSession(number, accountId);
    const id = await reply(sessionId, 'Hi! How can I help? 😊', inbound.id);
    await expect.poll(async () => (await statusOf(id)).status, { timeout: 15_000 }).toBe('read');
    const message = await statusOf(id);
    expect(message.channelMessageId).toMatch(/^wamid\./);
    const send = sandbox
      .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
      .find((c) => (c.body as any).biz_opaque_callback_data === id);
    expect(send!.headers.authorization).toBe(`Bearer ${number.accessToken}`);
    expect(send!.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: `+${SHEENA}`,
      type: 'text',
      text: { body: 'Hi! How can I help? 😊' },
      context: { message_id: inbound.channelMessageId },
      biz_opaque_callback_data: id,
    });
  });

  it('applies statuses that come before the send returned, twice and in reverse, never backwards', async () => {
    const { number, accountId } = await connectedTenant();
    const { sessionId } = await activeSession(number, accountId);
    sandbox.setSwitches({
      statusBeforeResponse: true,
      duplicate: true,
      reorder: true,
      statusProgression: 'read',
    });
    const id = await reply(sessionId, 'Early statuses');
    await expect.poll(async () => (await statusOf(id)).status, { timeout: 15_000 }).toBe('read');
    await sandbox.idle();
    expect((await statusOf(id)).status).toBe('read');
  });

  it('parks a status of a wamid not stored yet and applies it once the send’s result is recorded', async () => {
    const { number, accountId } = await connectedTenant();
    const { sessionId } = await activeSession(number, accountId);
    const [pending] = await t.database.db
      .insert(messages)
      .values({
        tenantId: f!.tenant.id,
        sessionId,
        channelAccountId: accountId,
        direction: 'out',
        authorKind: 'operator',
        text: 'Sent by a slow outbox',
        status: 'sending',
      })
      .returning();
    const status = (id: string) => ({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: number.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: number.displayPhoneNumber,
                  phone_number_id: number.phoneNumberId,
                },
                statuses: [{ id, status: 'delivered', timestamp: '1750000100', recipient_id: SHEENA }],
              },
            },
          ],
        },
      ],
    });
    const [late] = await sandbox.sendRawWebhook('whatsapp', status('wamid.slow-outbox'), 'valid');
    expect(late!.status).toBe(200);
    const [unknown] = await sandbox.sendRawWebhook('whatsapp', status('wamid.sent-elsewhere'), 'valid');
    expect(unknown!.status).toBe(200);
    expect((await statusOf(pending!.id)).status).toBe('sending');
    // The outbox records the send's result, as send-outbound does.
    await t.database.db
      .update(messages)
      .set({ status: 'sent', channelMessageId: 'wamid.slow-outbox' })
      .where(eq(messages.id, pending!.id));
    await expect
      .poll(async () => (await statusOf(pending!.id)).status, { timeout: 20_000 })
      .toBe('delivered');
  });

  it('retries a transient error and sends; a final error is shown with Meta’s code and what to do', async () => {
    const { number, accountId } = await connectedTenant();
    const { sessionId } = await activeSession(number, accountId);
    sandbox.failNext({ product: 'whatsapp', code: 131000 });
    const retried = await reply(sessionId, 'Transient');
    await expect.poll(async () => (await statusOf(retried)).status, { timeout: 20_000 }).toBe('sent');
    expect(
      sandbox.calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` }).length,
    ).toBeGreaterThanOrEqual(2);

    sandbox.failNext({ product: 'whatsapp', code: 131026 });
    const final = await reply(sessionId, 'Final');
    await expect.poll(async () => (await statusOf(final)).status, { timeout: 15_000 }).toBe('error');
    expect(await statusOf(final)).toMatchObject({
      errorCode: '131026',
      errorReason: expect.stringContaining('check the number'),
    });
  });
});

describe('edits', () => {
  it('keeps edits and revokes with the original text for audit', async () => {
    const { number, accountId } = await connectedTenant();
    const original = await inject(number, { from: SHEENA, type: 'text', text: { body: 'Teh box' } });
    await inject(number, {
      from: SHEENA,
      type: 'edit',
      edit: { original_message_id: original.id, message: { type: 'text', text: { body: 'The box' } } },
    });
    expect(await messageByWamid(accountId, original.id)).toMatchObject({
      text: 'The box',
      metadata: { edits: [{ previousText: 'Teh box' }] },
    });
    await inject(number, { from: SHEENA, type: 'revoke', revoke: { original_message_id: original.id } });
    expect(await messageByWamid(accountId, original.id)).toMatchObject({
      text: 'This message was deleted.',
      metadata: { edits: [{ previousText: 'Teh box' }, { previousText: 'The box' }] },
    });
    expect(await messagesOf(accountId)).toHaveLength(1);
  });
});

describe('the 24-hour window and read receipts', () => {
  it('allows free text for 24 hours after the customer’s last message, then templates only', async () => {
    const { number, accountId } = await connectedTenant();
    const { sessionId, inbound } = await activeSession(number, accountId);
    const open = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
      headers: f!.sessions.olga!.headers,
    });
    expect(open.body.composer).toMatchObject({ freeText: true, maxTextLength: 4096 });
    const until = new Date(open.body.composer.freeTextUntil).getTime();
    const [session] = await t.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(until).toBe(session!.lastCustomerMessageAt!.getTime() + 24 * 3600_000);

    const tooLong = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f!.sessions.olga!.headers,
      body: { text: 'x'.repeat(4097) },
    });
    expect(tooLong.body.error.code).toBe('text_too_long');

    // Both clocks move a day on; the app's timers are not released (the inactivity end would close the session).
    sandbox.advanceClock(25 * 3600_000);
    t.clock.set(new Date(t.clock.now().getTime() + 25 * 3600_000));
    // Sign-ins last 12 hours: Olga signs in again.
    f!.sessions.olga = await logIn(t.url, f!.tenant.operators[0]!);
    const closed = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
      headers: f!.sessions.olga!.headers,
    });
    expect(closed.body.composer).toMatchObject({
      freeText: false,
      otherwise: 'templates',
      reason: expect.stringContaining('24 hours'),
    });
    const refused = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f!.sessions.olga!.headers,
      body: { text: 'Still there?' },
    });
    expect(refused.body.error.code).toBe('window_closed');

    const read = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/read`, {
      headers: f!.sessions.olga!.headers,
      body: { upToMessageId: inbound.id },
    });
    expect(read.body.read).toBe(1);
    await expect
      .poll(
        () =>
          sandbox
            .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
            .map((c) => c.body as any)
            .find((b) => b.status === 'read'),
        { timeout: 15_000 },
      )
      .toMatchObject({ message_id: inbound.channelMessageId });
  });
});
