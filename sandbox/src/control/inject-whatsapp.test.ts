import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => rig.close());
beforeEach(() => {
  rig.receiver.received.length = 0;
});

async function inject(input: Record<string, unknown>): Promise<Json> {
  await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', ...input } as never);
  const [hook] = await rig.receiver.waitFor(1);
  expect(hook!.signatureValid).toBe(true);
  return (hook!.body as Json).entry[0].changes[0].value.messages[0];
}

describe('inbound WhatsApp message types', () => {
  it.each([
    ['image', { image: { caption: 'Taj Mahal' } }, { caption: 'Taj Mahal', mime_type: 'image/jpeg' }],
    ['video', { video: {} }, { mime_type: 'video/mp4' }],
    [
      'document',
      { document: { filename: 'façade.pdf' } },
      { filename: 'façade.pdf', mime_type: 'application/pdf' },
    ],
    ['sticker', { sticker: {} }, { mime_type: 'image/webp', animated: false }],
  ])('%s gets a media id, sha256 and url', async (type, extra, expected) => {
    const message = await inject({ type, ...extra });
    expect(message[type]).toMatchObject({
      ...expected,
      id: expect.stringMatching(/^\d+$/),
      sha256: expect.any(String),
    });
    expect(message[type].url).toContain('/whatsapp_business/attachments/?mid=');
  });

  it('copies structured types as given: location, contacts, interactive, button, order, reaction, system, edit, revoke', async () => {
    const cases: Record<string, unknown>[] = [
      { type: 'location', location: { latitude: 38.9, longitude: -77.03, name: 'Office' } },
      {
        type: 'contacts',
        contacts: [{ name: { formatted_name: 'Ana' }, phones: [{ phone: '+1555', type: 'CELL' }] }],
      },
      {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'cancel', title: 'Cancel' } },
      },
      {
        type: 'interactive',
        interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{}' } },
      },
      { type: 'button', button: { payload: 'Unsubscribe', text: 'Unsubscribe' } },
      { type: 'order', order: { catalog_id: '1', text: 'x', product_items: [] } },
      { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '❤️' } },
      { type: 'system', system: { body: 'changed', new_wa_id: '16505550000', type: 'user_changed_number' } },
      {
        type: 'edit',
        edit: { original_message_id: 'wamid.x', message: { type: 'text', text: { body: 'fixed' } } },
      },
      { type: 'revoke', revoke: { original_message_id: 'wamid.x' } },
      { type: 'request_welcome' },
    ];
    for (const input of cases) {
      rig.receiver.received.length = 0;
      const message = await inject(input);
      expect(message).toMatchObject(input);
      expect(message).toMatchObject({
        from: ids.customer,
        id: expect.stringMatching(/^wamid\./),
        timestamp: expect.any(String),
      });
    }
  });

  it('unsupported types carry 131051 errors; media errors carry 131052 and no id', async () => {
    const unsupported = await inject({ type: 'unsupported', unsupported: { type: 'poll_update' } });
    expect(unsupported.errors[0]).toMatchObject({ code: 131051, title: 'Message type unknown' });
    expect(unsupported.unsupported).toEqual({ type: 'poll_update' });
    rig.receiver.received.length = 0;
    const broken = await inject({ type: 'image', image: { caption: 'x' }, media_error: true });
    expect(broken.image.id).toBeUndefined();
    expect(broken.errors[0].code).toBe(131052);
  });

  it('replies, forwards and ad referrals set context and referral', async () => {
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'open' } });
    const sent = await rig.graph(
      'POST',
      `/v23.0/${ids.phoneNumberId}/messages`,
      { messaging_product: 'whatsapp', to: ids.customer, type: 'text', text: { body: 'Which order?' } },
      bearer,
    );
    rig.receiver.received.length = 0;
    await rig.sandbox.idle();
    rig.receiver.received.length = 0;
    const reply = await inject({ text: { body: 'That one' }, reply_to: sent.body.messages[0].id });
    expect(reply.context).toEqual({ from: ids.displayPhoneNumber, id: sent.body.messages[0].id });
    rig.receiver.received.length = 0;
    const forwarded = await inject({ text: { body: 'fw' }, context: { forwarded: true } });
    expect(forwarded.context).toEqual({ forwarded: true });
    rig.receiver.received.length = 0;
    const referral = { source_url: 'https://fb.me/x', source_id: '1', source_type: 'ad', ctwa_clid: 'abc' };
    expect((await inject({ text: { body: 'ad' }, referral })).referral).toEqual(referral);
  });

  it('a duplicate reuses the wamid', async () => {
    const first = await inject({ text: { body: 'once' } });
    rig.receiver.received.length = 0;
    const again = await inject({ text: { body: 'once' }, id: first.id });
    expect(again.id).toBe(first.id);
  });
});
