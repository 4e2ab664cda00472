import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';
import { startWebhookReceiver } from '../testing/webhook-receiver.js';

let rig: TestRig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => rig.close());

const sendText = () =>
  rig.graph(
    'POST',
    `/v23.0/${ids.phoneNumberId}/messages`,
    { messaging_product: 'whatsapp', to: ids.customer, type: 'text', text: { body: 'hi' } },
    bearer,
  );
const statusesPerPost = () =>
  rig.receiver.received.map((r) =>
    (r.body as Json).entry.flatMap((e: Json) =>
      e.changes.flatMap((c: Json) => (c.value.statuses ?? []).map((s: Json) => s.status)),
    ),
  );

async function openWindow() {
  await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'hello' } });
  rig.receiver.received.length = 0;
}

describe('subscription handshake', () => {
  it('performs hub.mode=subscribe with the verify token and checks the challenge', async () => {
    const [result] = await rig.sandbox.verifySubscription('whatsapp');
    expect(result).toMatchObject({ ok: true, status: 200 });
    const strict = await startWebhookReceiver(ids.appSecret, 'another-token');
    try {
      await rig.close();
      rig = await startRig({
        app: { appSecret: ids.appSecret, verifyToken: ids.verifyToken, messengerCallbackUrls: [strict.url] },
      });
      const [refused] = await rig.sandbox.verifySubscription('messenger');
      expect(refused).toMatchObject({ ok: false, status: 403 });
    } finally {
      await strict.close();
    }
  });
});

describe('delivery', () => {
  it('retries non-200 with backoff and records every attempt', async () => {
    rig.receiver.failNext(500, 503);
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'retry me' } });
    await rig.receiver.waitFor(3);
    await rig.sandbox.idle();
    const raws = rig.receiver.received.map((r) => r.raw.toString());
    expect(new Set(raws).size).toBe(1);
    expect(rig.sandbox.deliveries().map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
  });

  it('gives up after the configured schedule', async () => {
    rig.receiver.failNext(500, 500, 500, 500);
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'lost' } });
    await rig.sandbox.idle();
    expect(rig.receiver.received).toHaveLength(3);
    expect(rig.sandbox.deliveries().at(-1)).toMatchObject({ attempt: 3, status: 500, gaveUp: true });
  });

  it('duplicate switch: every POST arrives twice with identical bytes', async () => {
    rig.sandbox.setSwitches({ duplicate: true });
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'twice' } });
    await rig.sandbox.idle();
    expect(rig.receiver.received).toHaveLength(2);
    expect(rig.receiver.received[0]!.raw.equals(rig.receiver.received[1]!.raw)).toBe(true);
  });

  it('reorder switch: statuses arrive read, delivered, sent', async () => {
    await openWindow();
    rig.sandbox.setSwitches({ reorder: true });
    await sendText();
    await rig.receiver.waitFor(3);
    await rig.sandbox.idle();
    expect(statusesPerPost()).toEqual([['read'], ['delivered'], ['sent']]);
  });

  it('batch switch: several statuses share one POST and one value; Messenger puts several entries in one POST', async () => {
    await openWindow();
    rig.sandbox.setSwitches({ batchSize: 10 });
    await sendText();
    await rig.receiver.waitFor(1);
    await rig.sandbox.idle();
    expect(statusesPerPost()).toEqual([['sent', 'delivered', 'read']]);
    expect((rig.receiver.received[0]!.body as Json).entry[0].changes).toHaveLength(1);

    rig.receiver.received.length = 0;
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'hello' });
    rig.receiver.received.length = 0;
    await rig.graph('POST', `/v23.0/me/messages?access_token=${ids.pageToken}`, {
      recipient: { id: ids.psid },
      messaging_type: 'RESPONSE',
      message: { text: 'hi' },
    });
    await rig.receiver.waitFor(1);
    await rig.sandbox.idle();
    expect(rig.receiver.received).toHaveLength(1);
    const entries = (rig.receiver.received[0]!.body as Json).entry;
    expect(
      entries.map((e: Json) =>
        Object.keys(e.messaging[0]).find((k) => ['message', 'delivery', 'read'].includes(k)),
      ),
    ).toEqual(['message', 'delivery', 'read']);
    expect(entries.every((e: Json) => e.messaging.length === 1)).toBe(true);
  });

  it('status-before-response switch: the sent status is already delivered when the send returns', async () => {
    await openWindow();
    rig.sandbox.setSwitches({ statusBeforeResponse: true, statusProgression: 'sent' });
    const reply = await sendText();
    expect(rig.receiver.received).toHaveLength(1);
    expect(statusesPerPost()).toEqual([['sent']]);
    expect((rig.receiver.received[0]!.body as Json).entry[0].changes[0].value.statuses[0].id).toBe(
      reply.body.messages[0].id,
    );
  });

  it('skip-delivered switch: sent then read, no delivered', async () => {
    await openWindow();
    rig.sandbox.setSwitches({ skipDelivered: true });
    await sendText();
    await rig.receiver.waitFor(2);
    await rig.sandbox.idle();
    expect(statusesPerPost()).toEqual([['sent'], ['read']]);
  });

  it('Messenger: echo before the send returns, and deliveries without mids', async () => {
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'hello' });
    rig.receiver.received.length = 0;
    rig.sandbox.setSwitches({
      statusBeforeResponse: true,
      deliveryWithoutMids: true,
      statusProgression: 'delivered',
    });
    const sent = await rig.graph('POST', `/v23.0/me/messages?access_token=${ids.pageToken}`, {
      recipient: { id: ids.psid },
      messaging_type: 'RESPONSE',
      message: { text: 'hi' },
    });
    expect(rig.receiver.received).toHaveLength(1);
    expect((rig.receiver.received[0]!.body as Json).entry[0].messaging[0].message).toMatchObject({
      is_echo: true,
      mid: sent.body.message_id,
    });
    await rig.receiver.waitFor(2);
    await rig.sandbox.idle();
    expect((rig.receiver.received[1]!.body as Json).entry[0].messaging[0].delivery).toEqual({
      watermark: rig.sandbox.now(),
    });
  });

  it('Messenger unsubscribes a callback that keeps failing until the handshake is done again', async () => {
    rig.sandbox.setSwitches({ unsubscribeOnFailure: true });
    rig.receiver.failNext(500, 500, 500);
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'lost' });
    await rig.sandbox.idle();
    expect(rig.receiver.received).toHaveLength(3);
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'not sent' });
    await rig.sandbox.idle();
    expect(rig.receiver.received).toHaveLength(3);
    await rig.sandbox.injectWhatsApp({
      from: ids.customer,
      type: 'text',
      text: { body: 'WhatsApp still flows' },
    });
    expect(rig.receiver.received).toHaveLength(4);
    expect((await rig.sandbox.verifySubscription('messenger'))[0]!.ok).toBe(true);
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'back' });
    expect((rig.receiver.received.at(-1)!.body as Json).entry[0].messaging[0].message.text).toBe('back');
  });

  it('delay switch holds deliveries back', async () => {
    rig.sandbox.setSwitches({ delayMs: 150 });
    const started = Date.now();
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'slow' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('can post a payload with an invalid or missing signature', async () => {
    const payload = { object: 'whatsapp_business_account', entry: [] };
    await rig.sandbox.sendRawWebhook('whatsapp', payload, 'invalid');
    await rig.sandbox.sendRawWebhook('whatsapp', payload, 'missing');
    await rig.sandbox.sendRawWebhook('whatsapp', payload, 'valid');
    expect(rig.receiver.received.map((r) => r.signatureValid)).toEqual([false, false, true]);
    expect(rig.receiver.received[1]!.headers['x-hub-signature-256']).toBeUndefined();
  });
});
