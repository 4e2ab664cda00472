import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
beforeEach(async () => {
  rig = await startRig();
  await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'Hello' } });
  rig.receiver.received.length = 0;
});
afterEach(async () => rig.close());

const send = (body: Record<string, unknown>) =>
  rig.graph(
    'POST',
    `/v23.0/${ids.phoneNumberId}/messages`,
    { messaging_product: 'whatsapp', to: `+${ids.customer}`, ...body },
    bearer,
  );

async function upload(bytes: Buffer, mime: string, filename: string): Promise<string> {
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', mime);
  form.append('file', new Blob([bytes], { type: mime }), filename);
  const response = await fetch(`${rig.sandbox.url}/v23.0/${ids.phoneNumberId}/media`, {
    method: 'POST',
    headers: bearer,
    body: form,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as Json).id as string;
}

const finalStatuses = () => {
  const byId = new Map<string, string[]>();
  for (const r of rig.receiver.received) {
    for (const s of (r.body as Json).entry[0].changes[0].value.statuses ?? []) {
      byId.set(s.id, [...(byId.get(s.id) ?? []), s.status]);
    }
  }
  return byId;
};

describe('every outbound WhatsApp type over the Cloud API', () => {
  it('accepts each type, answers contacts + wamid, and reports sent → delivered → read for each', async () => {
    const video = await upload(Buffer.from('00000018667479706d703432', 'hex'), 'video/mp4', 'clip.mp4');
    const pdf = await upload(Buffer.from('%PDF-1.4'), 'application/pdf', 'Fatura nº 7.pdf');
    const sticker = await upload(Buffer.from('RIFF0000WEBPVP8 '), 'image/webp', 's.webp');
    const bodies: Record<string, unknown>[] = [
      { type: 'video', video: { id: video, caption: 'How to open the box' } },
      { type: 'document', document: { id: pdf, filename: 'Fatura nº 7.pdf', caption: 'Your invoice' } },
      { type: 'sticker', sticker: { id: sticker } },
      {
        type: 'location',
        location: { latitude: 38.7223, longitude: -9.1393, name: 'Shop', address: 'Rua Augusta 1' },
      },
      {
        type: 'contacts',
        contacts: [
          {
            name: { formatted_name: 'Support Desk', first_name: 'Support' },
            phones: [{ phone: '+15550783881', type: 'WORK', wa_id: '15550783881' }],
          },
        ],
      },
      {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: 'Did this solve it?' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
              { type: 'reply', reply: { id: 'no', title: 'No' } },
            ],
          },
        },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Pick a topic' },
          action: {
            button: 'Topics',
            sections: [
              { title: 'Orders', rows: [{ id: 'late', title: 'Late order', description: 'Where is it' }] },
            ],
          },
        },
      },
      {
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          body: { text: 'Track your parcel' },
          action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://example.com/t/1' } },
        },
      },
    ];
    const wamids: string[] = [];
    for (const body of bodies) {
      const sent = await send(body);
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      expect(sent.body).toEqual({
        messaging_product: 'whatsapp',
        contacts: [{ input: `+${ids.customer}`, wa_id: ids.customer }],
        messages: [{ id: expect.stringMatching(/^wamid\./) }],
      });
      wamids.push(sent.body.messages[0].id as string);
    }
    await rig.sandbox.idle();
    const statuses = finalStatuses();
    for (const id of wamids) expect(statuses.get(id)).toEqual(['sent', 'delivered', 'read']);
    // The customer sees each of them on the phone, in order, with its type.
    const seen = rig.sandbox.conversation({ product: 'whatsapp', customer: ids.customer }).messages;
    expect(seen.filter((m) => m.direction === 'outbound').map((m) => m.type)).toEqual(
      bodies.map((b) => b.type),
    );
  });

  it('refuses what Meta refuses: missing fields (100), unknown types (131051), over-long buttons (131009)', async () => {
    const noLongitude = await send({ type: 'location', location: { latitude: 1 } });
    expect(noLongitude.body.error).toMatchObject({
      code: 100,
      error_data: { messaging_product: 'whatsapp' },
    });
    const nameless = await send({ type: 'contacts', contacts: [{ phones: [{ phone: '+1555' }] }] });
    expect(nameless.body.error.code).toBe(100);
    const poll = await send({ type: 'poll', poll: { question: 'x' } });
    expect(poll.body.error.code).toBe(131051);
    const longTitle = await send({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'x' },
        action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] },
      },
    });
    expect(longTitle.body.error.code).toBe(131009);
    const captionedAudio = await send({
      type: 'audio',
      audio: { link: 'https://example.com/a.ogg', caption: 'no' },
    });
    expect(captionedAudio.body.error.code).toBe(100);
    await rig.sandbox.idle();
    expect(rig.receiver.received).toHaveLength(0);
  });
});
