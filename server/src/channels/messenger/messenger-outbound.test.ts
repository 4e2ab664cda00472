import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messages, sessions } from '../../db/schema.js';
import { call } from '../../../test/factories.js';
import {
  MESSENGER_APP_SECRET,
  MESSENGER_VERIFY_TOKEN,
  startMessengerWorld,
  type MessengerWorld,
} from '../../../test/messenger-world.js';

let w: MessengerWorld;

beforeAll(async () => {
  w = await startMessengerWorld();
});
afterAll(async () => w?.close());
afterEach(() => {
  w.sandbox.setSwitches({
    statusProgression: 'none',
    statusBeforeResponse: false,
    duplicate: false,
    batchSize: 1,
  });
});

const sends = (psid: string) =>
  w.sandbox
    .calls({ method: 'POST', pathContains: '/messages' })
    .filter((c) => JSON.stringify(c.body).includes(psid))
    .map((c) => c.body as Record<string, any>);

async function row(messageId: string) {
  const [found] = await w.t.database.db.select().from(messages).where(eq(messages.id, messageId));
  return found!;
}

async function settledStatus(messageId: string, status: string) {
  await expect.poll(async () => (await row(messageId)).status, { timeout: 20_000 }).toBe(status);
  return row(messageId);
}

describe('connecting a Page and its webhook', () => {
  it('is for admins, seals the secrets, refuses a Page twice, and answers the handshake', async () => {
    const tenant = await w.tenant();
    const body = {
      name: 'Another',
      pageId: tenant.page.pageId,
      pageAccessToken: tenant.page.pageAccessToken,
      appSecret: MESSENGER_APP_SECRET,
      verifyToken: MESSENGER_VERIFY_TOKEN,
    };
    const asOperator = await call(w.t.url, 'POST', '/api/v1/channel-accounts/messenger', {
      headers: tenant.f.sessions.olga!.headers,
      body,
    });
    expect(asOperator.status).toBe(403);
    const again = await call(w.t.url, 'POST', '/api/v1/channel-accounts/messenger', {
      headers: tenant.f.sessions.admin!.headers,
      body,
    });
    expect(again.status).toBe(409);
    const { rows } = await w.t.database.query<{ credentials_encrypted: string }>(
      'SELECT credentials_encrypted FROM channel_accounts WHERE id = $1',
      [tenant.accountId],
    );
    expect(rows[0]!.credentials_encrypted).not.toContain(tenant.page.pageAccessToken);
    expect(rows[0]!.credentials_encrypted).not.toContain(MESSENGER_APP_SECRET);

    const [handshake] = await w.sandbox.verifySubscription('messenger');
    expect(handshake).toMatchObject({ ok: true });
    const wrong = await fetch(
      `${w.t.url}/webhooks/messenger?hub.mode=subscribe&hub.challenge=7&hub.verify_token=no`,
    );
    expect(wrong.status).toBe(403);
  });

  it('acknowledges a disabled Page’s events and drops them, so Meta does not unsubscribe the app', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const appSecret = 'a secret of this Page alone';
    const change = (body: Record<string, unknown>) =>
      call(w.t.url, 'PATCH', `/api/v1/channel-accounts/${tenant.accountId}`, {
        headers: tenant.f.sessions.admin!.headers,
        body,
      });
    expect((await change({ appSecret, enabled: false })).status).toBe(200);
    const deliver = (mid: string, secret = appSecret) => {
      const raw = JSON.stringify({
        object: 'page',
        entry: [
          {
            id: tenant.page.pageId,
            time: Date.now(),
            messaging: [
              {
                sender: { id: psid },
                recipient: { id: tenant.page.pageId },
                timestamp: Date.now(),
                message: { mid, text: mid },
              },
            ],
          },
        ],
      });
      return fetch(`${w.t.url}/webhooks/messenger`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
        },
        body: raw,
      });
    };
    expect((await deliver('m_while_off')).status).toBe(200);
    expect((await deliver('m_forged', 'not the secret')).status).toBe(401);
    expect(await w.messagesOf(tenant.accountId)).toHaveLength(0);

    expect((await change({ enabled: true })).status).toBe(200);
    expect((await deliver('m_back_on')).status).toBe(200);
    expect((await w.messagesOf(tenant.accountId)).map((m) => m.text)).toEqual(['m_back_on']);
  });

  it('refuses a bad or missing signature with 401 and stores nothing; one bad event never costs the rest', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const event = (mid: string, text: string) => ({
      id: tenant.page.pageId,
      time: Date.now(),
      messaging: [
        {
          sender: { id: psid },
          recipient: { id: tenant.page.pageId },
          timestamp: Date.now(),
          message: { mid, text },
        },
      ],
    });
    const payload = { object: 'page', entry: [event('m_forged', 'Forged')] };
    for (const mode of ['invalid', 'missing'] as const) {
      const [result] = await w.sandbox.sendRawWebhook('messenger', payload, mode);
      expect(result!.status).toBe(401);
    }
    const raw = JSON.stringify(payload);
    const tampered = await fetch(`${w.t.url}/webhooks/messenger`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', MESSENGER_APP_SECRET).update(raw).digest('hex')}`,
      },
      body: raw.replace('Forged', 'Tampered'),
    });
    expect(tampered.status).toBe(401);
    expect(await w.messagesOf(tenant.accountId)).toHaveLength(0);

    const batch = {
      object: 'page',
      entry: [
        {
          id: tenant.page.pageId,
          time: Date.now(),
          messaging: [{ recipient: { id: tenant.page.pageId }, message: {} }],
        },
        event('m_first_good', 'First good'),
        event('m_second_good', 'Second good'),
      ],
    };
    const [accepted] = await w.sandbox.sendRawWebhook('messenger', batch, 'valid');
    expect(accepted!.status).toBe(200);
    expect((await w.messagesOf(tenant.accountId)).map((m) => m.text)).toEqual(['First good', 'Second good']);
  });
});

describe('operator replies', () => {
  it('go out as RESPONSE with our id as metadata; 2,001 characters are refused, 2,000 are sent whole', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Hi from Messenger');
    const id = await w.reply(tenant, sessionId, 'Hello Peter, how can I help?');
    const sent = await settledStatus(id, 'sent');
    const body = sends(psid).find((b) => b.message?.text === 'Hello Peter, how can I help?')!;
    expect(body).toMatchObject({
      messaging_type: 'RESPONSE',
      recipient: { id: psid },
      message: { metadata: id },
    });
    expect(body.tag).toBeUndefined();
    expect(sent.channelMessageId).toMatch(/^m_/);

    const tooLong = await call(w.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: tenant.f.sessions.olga!.headers,
      body: { text: '€'.repeat(2001) },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error).toMatchObject({
      code: 'text_too_long',
      details: { limit: 2000, length: 2001 },
    });
    const longest = await w.reply(tenant, sessionId, '€'.repeat(1999) + '👍');
    await settledStatus(longest, 'sent');
    expect(w.sandbox.conversation({ product: 'messenger', customer: psid }).messages.at(-1)!.text).toBe(
      '€'.repeat(1999) + '👍',
    );
  });

  it('quote the customer’s message with reply_to, and typing and seen reach the customer', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Where is my parcel?');
    const [quoted] = (await w.messagesOf(tenant.accountId)).filter((m) => m.direction === 'in');
    const id = await w.reply(tenant, sessionId, 'Let me check that parcel', quoted!.id);
    await settledStatus(id, 'sent');
    expect(sends(psid).find((b) => b.message?.text === 'Let me check that parcel')).toMatchObject({
      reply_to: { mid: quoted!.channelMessageId },
    });

    await tenant.f.sockets.olga!.socket.emitWithAck('session.typing', { sessionId, typing: true });
    expect(sends(psid).some((b) => b.sender_action === 'typing_on')).toBe(true);
    const read = await call(w.t.url, 'POST', `/api/v1/sessions/${sessionId}/read`, {
      headers: tenant.f.sessions.olga!.headers,
      body: { upToMessageId: quoted!.id },
    });
    expect(read.status).toBe(200);
    await expect
      .poll(() => sends(psid).some((b) => b.sender_action === 'mark_seen'), { timeout: 15_000 })
      .toBe(true);
  });

  it('can carry the operator’s reaction to a customer’s message, and take it back', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'React to me');
    const [inbound] = (await w.messagesOf(tenant.accountId)).filter((m) => m.direction === 'in');
    const [session] = await w.t.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
    const context = {
      tx: w.t.database.db,
      tenantId: session!.tenantId,
      channelAccountId: tenant.accountId,
      sessionId,
      contactId: session!.contactId,
    };
    const adapter = w.t.engine.channels.get('messenger');
    const reactionOf = () =>
      w.sandbox
        .conversation({ product: 'messenger', customer: psid })
        .messages.find((m) => m.id === inbound!.channelMessageId)!.reactions.business;
    await adapter.react!(context, { channelMessageId: inbound!.channelMessageId! }, '❤️');
    await expect.poll(reactionOf, { timeout: 15_000 }).toBe('❤️');
    await adapter.react!(context, { channelMessageId: inbound!.channelMessageId! }, null);
    await expect.poll(reactionOf, { timeout: 15_000 }).toBeUndefined();
  });

  it('are stored once when the echo arrives before the Send API answered', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Echo race please');
    w.sandbox.setSwitches({ statusBeforeResponse: true, duplicate: true });
    const id = await w.reply(tenant, sessionId, 'One copy only');
    const sent = await settledStatus(id, 'sent');
    await w.sandbox.idle();
    const copies = (await w.messagesOf(tenant.accountId)).filter((m) => m.text === 'One copy only');
    expect(copies).toHaveLength(1);
    const echoed = w.sandbox.conversation({ product: 'messenger', customer: psid }).messages.at(-1)!;
    expect(sent.channelMessageId).toBe(echoed.id);
    expect((await w.messagesOf(tenant.accountId)).some((m) => m.authorKind === 'page_inbox')).toBe(false);
  });

  it('include what was typed in the Page inbox, shown as from the Page inbox', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Anyone?');
    const { mid } = await w.inject({ psid, kind: 'echo', echo: { text: 'Answered from the Page inbox' } });
    const stored = (await w.messageByMid(tenant.accountId, mid))!;
    expect(stored).toMatchObject({
      sessionId,
      direction: 'out',
      authorKind: 'page_inbox',
      text: 'Answered from the Page inbox',
      status: 'sent',
    });
    const listed = await call(w.t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, {
      headers: tenant.f.sessions.olga!.headers,
    });
    expect(JSON.stringify(listed.body)).toContain('Answered from the Page inbox');
  });

  it('become delivered and read by watermark, every earlier one with them, never going back', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Watermarks');
    const first = await w.reply(tenant, sessionId, 'First');
    const second = await w.reply(tenant, sessionId, 'Second');
    await settledStatus(second, 'sent');
    await settledStatus(first, 'sent');
    await w.sandbox.customerRead({ product: 'messenger', customer: psid });
    await w.sandbox.idle();
    expect((await row(first)).status).toBe('read');
    expect((await row(second)).status).toBe('read');
    w.sandbox.setSwitches({ statusProgression: 'delivered', deliveryWithoutMids: true });
    const third = await w.reply(tenant, sessionId, 'Third');
    await settledStatus(third, 'delivered');
    expect((await row(first)).status).toBe('read');
    w.sandbox.setSwitches({ deliveryWithoutMids: false });
  });

  it('fail with the reason: outside the window (10/2018278), customer unavailable (551); 5xx is retried', async () => {
    const tenant = await w.tenant();
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Failures');
    w.sandbox.failNext({ product: 'messenger', code: 10, count: 1 });
    const window = await w.reply(tenant, sessionId, 'Window');
    expect(await settledStatus(window, 'error')).toMatchObject({
      errorCode: '10/2018278',
      errorReason: expect.stringContaining('Outside Messenger'),
    });
    w.sandbox.failNext({ product: 'messenger', code: 551, count: 1 });
    const unavailable = await w.reply(tenant, sessionId, 'Unavailable');
    expect((await settledStatus(unavailable, 'error')).errorReason).toMatch(/^Customer unavailable/);
    w.sandbox.failNext({ product: 'messenger', code: 503, count: 2 });
    const retried = await w.reply(tenant, sessionId, 'Retried');
    await settledStatus(retried, 'sent');
    expect(sends(psid).filter((b) => b.message?.text === 'Retried').length).toBe(3);
  });
});
