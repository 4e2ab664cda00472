import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, ids, startRig, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => rig.close());

const send = (body: Record<string, unknown>, headers: Record<string, string> = bearer) =>
  rig.graph(
    'POST',
    `/v23.0/${ids.phoneNumberId}/messages`,
    { messaging_product: 'whatsapp', ...body },
    headers,
  );

type Value = {
  statuses?: Record<string, unknown>[];
  messages?: Record<string, unknown>[];
  [k: string]: unknown;
};
const valuesOf = (body: Record<string, unknown>): Value[] =>
  (body.entry as { changes: { value: Value }[] }[]).flatMap((e) => e.changes.map((c) => c.value));
const statuses = () =>
  rig.receiver.received.flatMap((r) => valuesOf(r.body).flatMap((v) => v.statuses ?? []));

async function openWindow() {
  await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'Hello' } });
  rig.receiver.received.length = 0;
}

describe('WhatsApp inbound webhooks', () => {
  it('delivers a signed entry[].changes[].value envelope with contacts and messages', async () => {
    const { id } = await rig.sandbox.injectWhatsApp({
      from: ids.customer,
      type: 'text',
      text: { body: 'Olá 😀 / ok' },
    });
    const [hook] = await rig.receiver.waitFor(1);
    expect(hook!.signatureValid).toBe(true);
    expect(hook!.sha1Valid).toBe(true);
    const raw = hook!.raw.toString('utf8');
    expect(raw).toContain('Ol\\u00e1 \\ud83d\\ude00 \\/ ok');
    expect([...raw].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(hook!.body.object).toBe('whatsapp_business_account');
    const entry = (hook!.body.entry as Record<string, unknown>[])[0]!;
    expect(entry.id).toBe(ids.wabaId);
    const change = (entry.changes as Record<string, unknown>[])[0]!;
    expect(change.field).toBe('messages');
    expect(change.value).toEqual({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: ids.displayPhoneNumber, phone_number_id: ids.phoneNumberId },
      contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: ids.customer }],
      messages: [
        {
          from: ids.customer,
          id,
          timestamp: String(Math.floor(rig.sandbox.now() / 1000)),
          type: 'text',
          text: { body: 'Olá 😀 / ok' },
        },
      ],
    });
  });

  it('re-serialising the parsed body does not reproduce the signed bytes', async () => {
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'café' } });
    const [hook] = await rig.receiver.waitFor(1);
    expect(Buffer.from(JSON.stringify(hook!.body)).equals(hook!.raw)).toBe(false);
  });
});

describe('POST /{phone-number-id}/messages', () => {
  it('answers 190 without or with a wrong bearer token', async () => {
    const missing = await send({ to: ids.customer, type: 'text', text: { body: 'x' } }, {});
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({ code: 190, type: 'OAuthException' });
    expect(typeof missing.body.error.fbtrace_id).toBe('string');
    const wrong = await send(
      { to: ids.customer, type: 'text', text: { body: 'x' } },
      { authorization: 'Bearer nope' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe(190);
    rig.sandbox.revokeToken(ids.waToken);
    const revoked = await send({ to: ids.customer, type: 'text', text: { body: 'x' } });
    expect(revoked.body.error.code).toBe(190);
  });

  it('accepts any vX.Y version and rejects other prefixes', async () => {
    await openWindow();
    const ok = await rig.graph(
      'POST',
      `/v25.0/${ids.phoneNumberId}/messages`,
      {
        messaging_product: 'whatsapp',
        to: `+${ids.customer}`,
        type: 'text',
        text: { body: 'hi' },
      },
      bearer,
    );
    expect(ok.status).toBe(200);
    const bad = await rig.graph('POST', `/latest/${ids.phoneNumberId}/messages`, {}, bearer);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe(2500);
  });

  it('sends a text in the window and reports sent → delivered → read', async () => {
    await openWindow();
    const reply = await send({
      to: `+${ids.customer}`,
      type: 'text',
      text: { body: 'Hi Sheena' },
      biz_opaque_callback_data: 'cc-42',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: `+${ids.customer}`, wa_id: ids.customer }],
      messages: [{ id: expect.stringMatching(/^wamid\./) }],
    });
    await rig.receiver.waitFor(3);
    await rig.sandbox.idle();
    expect(rig.receiver.received.every((r) => r.signatureValid)).toBe(true);
    const got = statuses();
    expect(got.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(got[0]).toMatchObject({
      id: reply.body.messages[0].id,
      recipient_id: ids.customer,
      biz_opaque_callback_data: 'cc-42',
      pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' },
    });
    expect(got[2]!.pricing).toBeUndefined();
  });

  it('rejects bad parameters with code 100', async () => {
    await openWindow();
    const noProduct = await rig.graph(
      'POST',
      `/v23.0/${ids.phoneNumberId}/messages`,
      { to: ids.customer, text: { body: 'x' } },
      bearer,
    );
    expect(noProduct.status).toBe(400);
    expect(noProduct.body.error).toMatchObject({ code: 100, error_data: { messaging_product: 'whatsapp' } });
    const long = await send({ to: ids.customer, type: 'text', text: { body: 'a'.repeat(4097) } });
    expect(long.body.error.code).toBe(100);
    const both = await send({ to: ids.customer, type: 'image', image: { id: '1', link: 'https://x/y.jpg' } });
    expect(both.body.error.code).toBe(100);
    const audioCaption = await send({
      to: ids.customer,
      type: 'audio',
      audio: { link: 'https://x/a.mp3', caption: 'no' },
    });
    expect(audioCaption.body.error.code).toBe(100);
    const buttons = await send({
      to: ids.customer,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Pick' },
        action: {
          buttons: [1, 2, 3, 4].map((n) => ({ type: 'reply', reply: { id: `b${n}`, title: `B${n}` } })),
        },
      },
    });
    expect(buttons.body.error.code).toBe(131009);
    const cta = (displayText: string) =>
      send({
        to: ids.customer,
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: { text: 'Track your order' },
          action: {
            name: 'cta_url',
            parameters: { display_text: displayText, url: 'https://example.com/t/1' },
          },
        },
      });
    expect((await cta('Track')).status).toBe(200);
    expect((await cta('A label that is too long')).body.error.code).toBe(131009);
    const self = await send({ to: `+${ids.displayPhoneNumber}`, type: 'text', text: { body: 'me' } });
    expect(self.body.error.code).toBe(131021);
  });

  it('window closed: 200 then a failed 131047 status (async mode)', async () => {
    await openWindow();
    rig.sandbox.advanceClock(24 * 3600_000 + 1000);
    const reply = await send({ to: ids.customer, type: 'text', text: { body: 'late' } });
    expect(reply.status).toBe(200);
    await rig.receiver.waitFor(1);
    await rig.sandbox.idle();
    const [failed] = statuses();
    expect(failed).toMatchObject({
      id: reply.body.messages[0].id,
      status: 'failed',
      recipient_id: ids.customer,
    });
    expect((failed!.errors as Record<string, unknown>[])[0]).toMatchObject({
      code: 131047,
      title: 'Re-engagement message',
    });
    expect(statuses()).toHaveLength(1);
  });

  it('window closed: synchronous 400 131047 (sync mode), templates still go out', async () => {
    rig.sandbox.setSwitches({ windowMode: 'sync' });
    const reply = await send({ to: ids.customer, type: 'text', text: { body: 'cold' } });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({
      code: 131047,
      message: '(#131047) Re-engagement message',
      type: 'OAuthException',
    });
    expect(reply.body.error.error_data.details).toMatch(/24 hours/);
    const template = await send({
      to: ids.customer,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    expect(template.status).toBe(200);
    await rig.receiver.waitFor(3);
    await rig.sandbox.idle();
    expect(statuses()[0]!.pricing).toMatchObject({ billable: true, category: 'marketing' });
  });

  it('checks template parameters against the components', async () => {
    const good = await send({
      to: ids.customer,
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US', policy: 'deterministic' },
        components: [
          { type: 'header', parameters: [{ type: 'text', text: '#42' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Sheena' },
              { type: 'date_time', date_time: { fallback_value: 'May 1' } },
            ],
          },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'abc' }] },
        ],
      },
    });
    expect(good.status).toBe(200);
    const conversation = rig.sandbox.conversation({ product: 'whatsapp', customer: ids.customer });
    expect(conversation.messages.at(-1)!.text).toBe('Hi Sheena, your order ships on May 1.');

    const missingBody = await send({
      to: ids.customer,
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'text', text: '#42' }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Sheena' }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'abc' }] },
        ],
      },
    });
    expect(missingBody.status).toBe(400);
    expect(missingBody.body.error.code).toBe(132000);
    const missingButton = await send({
      to: ids.customer,
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'text', text: '#42' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      },
    });
    expect(missingButton.body.error.code).toBe(132000);
    const unknown = await send({
      to: ids.customer,
      type: 'template',
      template: { name: 'nope', language: { code: 'en_US' } },
    });
    expect(unknown.body.error.code).toBe(132001);
    const wrongLanguage = await send({
      to: ids.customer,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'pt_BR' } },
    });
    expect(wrongLanguage.body.error.code).toBe(132001);
  });

  it('quotes with context, reacts to known messages only, and marks read with a typing indicator', async () => {
    const { id: inbound } = await rig.sandbox.injectWhatsApp({
      from: ids.customer,
      type: 'text',
      text: { body: 'Question' },
    });
    const quoted = await send({
      to: ids.customer,
      type: 'text',
      text: { body: 'Answer' },
      context: { message_id: inbound },
    });
    expect(quoted.status).toBe(200);
    const reaction = await send({
      to: ids.customer,
      type: 'reaction',
      reaction: { message_id: inbound, emoji: '👍' },
    });
    expect(reaction.status).toBe(200);
    const unknown = await send({
      to: ids.customer,
      type: 'reaction',
      reaction: { message_id: 'wamid.nope', emoji: '👍' },
    });
    expect(unknown.body.error.code).toBe(131009);
    const read = await send({ status: 'read', message_id: inbound, typing_indicator: { type: 'text' } });
    expect(read).toEqual({ status: 200, body: { success: true } });
    const view = rig.sandbox.conversation({ product: 'whatsapp', customer: ids.customer });
    expect(view.typing).toBe(true);
    const first = view.messages.find((m) => m.id === inbound)!;
    expect(first.status).toBe('read');
    expect(first.reactions.business).toBe('👍');
    expect(view.messages.find((m) => m.id === quoted.body.messages[0].id)!.replyTo).toBe(inbound);
    rig.sandbox.advanceClock(26_000);
    expect(rig.sandbox.conversation({ product: 'whatsapp', customer: ids.customer }).typing).toBe(false);
    const badRead = await send({ status: 'read', message_id: 'wamid.unknown' });
    expect(badRead.body.error.code).toBe(131009);
  });
});
