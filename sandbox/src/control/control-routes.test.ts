import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox.js';
import { bearer, ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig | undefined;
afterEach(async () => rig?.close());

describe('control API', () => {
  it('is off unless control is enabled', async () => {
    const sandbox = await startSandbox({ app: { appSecret: 's', verifyToken: 'v' } });
    try {
      const response = await fetch(`${sandbox.url}/_sandbox/customers`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as Json).error.code).toBe(2500);
      expect((await fetch(`${sandbox.url}/_sandbox/phone/`)).status).toBe(400);
    } finally {
      await sandbox.close();
    }
  });

  it('drives customers, inbound messages, the clock, failures, switches and the call log over HTTP', async () => {
    rig = await startRig();
    const control = async (method: string, path: string, body?: unknown) =>
      rig!.graph(method, `/_sandbox${path}`, body);

    const added = await control('POST', '/whatsapp/customers', {
      waId: '5511987654321',
      phone: '551187654321',
      name: 'João',
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ product: 'whatsapp', id: '5511987654321' });
    const invalid = await control('POST', '/whatsapp/customers', { waId: '1' });
    expect(invalid.status).toBe(400);

    const inbound = await control('POST', '/whatsapp/inbound', {
      from: '5511987654321',
      type: 'text',
      text: { body: 'Oi' },
    });
    expect(inbound.status).toBe(200);
    const [hook] = await rig.receiver.waitFor(1);
    const message = (hook!.body as Json).entry[0].changes[0].value.messages[0];
    expect(message).toMatchObject({ from: '551187654321', id: inbound.body.id, text: { body: 'Oi' } });
    expect((hook!.body as Json).entry[0].changes[0].value.contacts[0].wa_id).toBe('5511987654321');

    const send = () =>
      rig!.graph(
        'POST',
        `/v23.0/${ids.phoneNumberId}/messages`,
        { messaging_product: 'whatsapp', to: '+551187654321', type: 'text', text: { body: 'Olá' } },
        bearer,
      );
    const sent = await send();
    expect(sent.body.contacts[0]).toEqual({ input: '+551187654321', wa_id: '5511987654321' });

    expect((await control('POST', '/fail-next', { product: 'whatsapp', code: 131000 })).status).toBe(200);
    expect((await send()).body.error.code).toBe(131000);

    expect((await control('PATCH', '/switches', { windowMode: 'sync' })).body.windowMode).toBe('sync');
    const before = (await control('GET', '/clock')).body.now as number;
    const advanced = await control('POST', '/clock/advance', { hours: 25 });
    expect(advanced.body.now).toBe(before + 25 * 3600_000);
    expect((await send()).body.error.code).toBe(131047);

    const calls = await control('GET', '/calls?path=/messages');
    expect(calls.body.data).toHaveLength(3);
    expect(calls.body.data[0]).toMatchObject({
      method: 'POST',
      path: `/v23.0/${ids.phoneNumberId}/messages`,
      headers: { authorization: bearer.authorization },
      body: { to: '+551187654321', text: { body: 'Olá' } },
      status: 200,
    });

    const subscribed = await control('POST', '/subscribe', { product: 'whatsapp' });
    expect(subscribed.body.data[0].ok).toBe(true);

    const conversation = await control('GET', `/conversation?product=whatsapp&customer=5511987654321`);
    expect(conversation.body.messages.map((m: Json) => m.text)).toEqual(['Oi', 'Olá']);
    const unknown = await control('POST', '/whatsapp/inbound', {
      from: '000',
      type: 'text',
      text: { body: 'x' },
    });
    expect(unknown.status).toBe(400);
  });

  it('changes reachability and opens the window on a call', async () => {
    rig = await startRig({ switches: { windowMode: 'sync' } });
    const send = () =>
      rig!.graph(
        'POST',
        `/v23.0/${ids.phoneNumberId}/messages`,
        { messaging_product: 'whatsapp', to: ids.customer, type: 'text', text: { body: 'hi' } },
        bearer,
      );
    expect((await send()).body.error.code).toBe(131047);
    const called = await rig.graph('POST', '/_sandbox/whatsapp/call', { customer: ids.customer });
    expect(called.body.windowOpenUntil).toBe(rig.sandbox.now() + 24 * 3600_000);
    expect((await send()).status).toBe(200);
    await rig.graph('PATCH', '/_sandbox/customers', {
      product: 'messenger',
      customer: ids.psid,
      profileAvailable: false,
    });
    const profile = await rig.graph('GET', `/v23.0/${ids.psid}?access_token=${ids.pageToken}`);
    expect(profile.body.error.error_subcode).toBe(2018218);
  });

  it('the customer reading a conversation emits read statuses and watermarks', async () => {
    rig = await startRig({ switches: { statusProgression: 'delivered' } });
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'hi' });
    await rig.graph('POST', `/v23.0/me/messages?access_token=${ids.pageToken}`, {
      recipient: { id: ids.psid },
      messaging_type: 'RESPONSE',
      message: { text: 'hello' },
    });
    await rig.sandbox.idle();
    rig.receiver.received.length = 0;
    const read = await rig.graph('POST', '/_sandbox/read', { product: 'messenger', customer: ids.psid });
    expect(read.body).toEqual({ events: 1 });
    const [hook] = await rig.receiver.waitFor(1);
    expect((hook!.body as Json).entry[0].messaging[0].read.watermark).toBe(rig.sandbox.now());
  });
});
