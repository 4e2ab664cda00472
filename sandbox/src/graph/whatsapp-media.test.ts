import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => rig.close());

async function upload(
  bytes: Buffer,
  mime: string,
  filename: string,
  headers: Record<string, string> = bearer,
) {
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', mime);
  form.append('file', new Blob([bytes], { type: mime }), filename);
  const response = await fetch(`${rig.sandbox.url}/v23.0/${ids.phoneNumberId}/media`, {
    method: 'POST',
    headers,
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Json };
}

const jpeg = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

describe('WhatsApp media', () => {
  it('uploads, gives a 5-minute bearer-only URL, and deletes', async () => {
    const uploaded = await upload(jpeg, 'image/jpeg', 'p.jpg');
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
    const id = uploaded.body.id as string;

    const info = await rig.graph(
      'GET',
      `/v23.0/${id}?phone_number_id=${ids.phoneNumberId}`,
      undefined,
      bearer,
    );
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      messaging_product: 'whatsapp',
      mime_type: 'image/jpeg',
      sha256: createHash('sha256').update(jpeg).digest('base64'),
      file_size: jpeg.length,
      id,
    });
    const url = info.body.url as string;
    expect(url).toMatch(/\/whatsapp_business\/attachments\/\?mid=\d+&ext=\d+&hash=/);

    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(url, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const download = await fetch(url, { headers: bearer });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await download.arrayBuffer()).equals(jpeg)).toBe(true);

    rig.sandbox.advanceClock(4 * 60_000 + 59_000);
    expect((await fetch(url, { headers: bearer })).status).toBe(200);
    rig.sandbox.advanceClock(2_000);
    expect((await fetch(url, { headers: bearer })).status).toBe(404);
    const tampered = url.replace(/ext=(\d+)/, (_m, ext: string) => `ext=${Number(ext) + 600}`);
    expect((await fetch(tampered, { headers: bearer })).status).toBe(404);

    const fresh = await rig.graph('GET', `/v23.0/${id}`, undefined, bearer);
    expect((await fetch(fresh.body.url as string, { headers: bearer })).status).toBe(200);

    const deleted = await rig.graph('DELETE', `/v23.0/${id}`, undefined, bearer);
    expect(deleted.body).toEqual({ success: true });
    const gone = await rig.graph('GET', `/v23.0/${id}`, undefined, bearer);
    expect(gone.status).toBe(400);
    expect(gone.body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('rejects unsupported types, oversize files and a missing token', async () => {
    const gif = await upload(Buffer.from('GIF89a'), 'image/gif', 'a.gif');
    expect(gif.status).toBe(400);
    expect(gif.body.error.code).toBe(100);
    const big = await upload(Buffer.alloc(5 * 1024 * 1024 + 1), 'image/png', 'big.png');
    expect(big.body.error.code).toBe(131053);
    const noToken = await upload(jpeg, 'image/jpeg', 'p.jpg', {});
    expect(noToken.status).toBe(401);
    expect(noToken.body.error.code).toBe(190);
  });

  it('sends media by uploaded id; a MIME type that does not fit fails later with 131053', async () => {
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'hi' } });
    rig.sandbox.setSwitches({ statusProgression: 'sent' });
    const image = (await upload(jpeg, 'image/jpeg', 'p.jpg')).body.id as string;
    const pdf = (await upload(Buffer.from('%PDF-1.4'), 'application/pdf', 'invoice.pdf')).body.id as string;
    rig.receiver.received.length = 0;
    const ok = await rig.graph(
      'POST',
      `/v23.0/${ids.phoneNumberId}/messages`,
      {
        messaging_product: 'whatsapp',
        to: ids.customer,
        type: 'image',
        image: { id: image, caption: 'Your receipt' },
      },
      bearer,
    );
    expect(ok.status).toBe(200);
    const mismatch = await rig.graph(
      'POST',
      `/v23.0/${ids.phoneNumberId}/messages`,
      { messaging_product: 'whatsapp', to: ids.customer, type: 'image', image: { id: pdf } },
      bearer,
    );
    expect(mismatch.status).toBe(200);
    await rig.receiver.waitFor(2);
    await rig.sandbox.idle();
    const statuses = rig.receiver.received
      .flatMap((r) => r.body.entry as Json[])
      .flatMap((e: Json) => e.changes.flatMap((c: Json) => c.value.statuses));
    expect(statuses.find((s: Json) => s.id === ok.body.messages[0].id).status).toBe('sent');
    const failed = statuses.find((s: Json) => s.id === mismatch.body.messages[0].id);
    expect(failed.status).toBe('failed');
    expect(failed.errors[0].code).toBe(131053);
  });

  it('fetches media sent by link; an unreachable or unfit link fails later with 131053', async () => {
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'hi' } });
    rig.sandbox.setSwitches({ statusProgression: 'sent' });
    rig.receiver.received.length = 0;
    const photo = rig.receiver.serve('photo.jpg', jpeg, 'image/jpeg');
    const pdf = rig.receiver.serve('doc.pdf', Buffer.from('%PDF-1.4'), 'application/pdf');
    const sendLink = (link: string) =>
      rig.graph(
        'POST',
        `/v23.0/${ids.phoneNumberId}/messages`,
        { messaging_product: 'whatsapp', to: ids.customer, type: 'image', image: { link } },
        bearer,
      );
    const ok = await sendLink(photo);
    const missing = await sendLink(`${rig.receiver.filesUrl}/missing.jpg`);
    const unfit = await sendLink(pdf);
    expect([ok.status, missing.status, unfit.status]).toEqual([200, 200, 200]);
    await rig.receiver.waitFor(3);
    await rig.sandbox.idle();
    const byId = new Map(
      rig.receiver.received
        .flatMap((r) => (r.body as Json).entry[0].changes[0].value.statuses)
        .map((s: Json) => [s.id, s]),
    );
    expect(byId.get(ok.body.messages[0].id).status).toBe('sent');
    const failedFetch = byId.get(missing.body.messages[0].id);
    expect(failedFetch).toMatchObject({ status: 'failed', errors: [{ code: 131053 }] });
    expect(failedFetch.errors[0].error_data.details).toMatch(/http code 404/);
    expect(byId.get(unfit.body.messages[0].id)).toMatchObject({
      status: 'failed',
      errors: [{ code: 131053 }],
    });
    const shown = rig.sandbox.conversation({ product: 'whatsapp', customer: ids.customer }).messages;
    const shownUrl = shown.find((m) => m.id === ok.body.messages[0].id)!.mediaUrl!;
    expect(Buffer.from(await (await fetch(shownUrl)).arrayBuffer()).equals(jpeg)).toBe(true);
  });

  it('a voice message is reported played after read', async () => {
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'hi' } });
    const voice = (await upload(Buffer.from('OggS'), 'audio/ogg', 'note.ogg')).body.id as string;
    rig.receiver.received.length = 0;
    const sent = await rig.graph(
      'POST',
      `/v23.0/${ids.phoneNumberId}/messages`,
      { messaging_product: 'whatsapp', to: ids.customer, type: 'audio', audio: { id: voice } },
      bearer,
    );
    await rig.receiver.waitFor(4);
    await rig.sandbox.idle();
    const statuses = rig.receiver.received.flatMap(
      (r) => (r.body as Json).entry[0].changes[0].value.statuses,
    );
    expect(statuses.map((s: Json) => [s.id, s.status])).toEqual(
      ['sent', 'delivered', 'read', 'played'].map((s) => [sent.body.messages[0].id, s]),
    );
  });

  it('inbound media carries id, sha256 and a downloadable url', async () => {
    const bytes = Buffer.from('voice-bytes');
    const { message } = await rig.sandbox.injectWhatsApp({
      from: ids.customer,
      type: 'audio',
      audio: { voice: true, mime_type: 'audio/ogg; codecs=opus' },
      file: { base64: bytes.toString('base64') },
    });
    const [hook] = await rig.receiver.waitFor(1);
    const audio = (hook!.body as Json).entry[0].changes[0].value.messages[0].audio;
    expect(audio).toEqual((message as Json).audio);
    expect(audio).toMatchObject({ voice: true, mime_type: 'audio/ogg; codecs=opus', id: expect.any(String) });
    expect(audio.sha256).toBe(createHash('sha256').update(bytes).digest('base64'));
    const info = await rig.graph('GET', `/v23.0/${audio.id}`, undefined, bearer);
    const download = await fetch(info.body.url as string, { headers: bearer });
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetch(audio.url as string, { headers: bearer })).status).toBe(200);
  });
});

describe('GET /{waba-id}/message_templates', () => {
  it('pages with limit and cursors and answers 190 without a token', async () => {
    const first = await rig.graph('GET', `/v23.0/${ids.wabaId}/message_templates?limit=1`, undefined, bearer);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.data[0]).toMatchObject({
      name: 'order_update',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
    });
    expect(first.body.paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
    const next = new URL(first.body.paging.next as string);
    expect(next.origin).toBe(rig.sandbox.url);
    const second = await rig.graph('GET', next.pathname + next.search, undefined, bearer);
    expect(second.body.data.map((t: Json) => t.name)).toEqual(['hello_world']);
    expect(second.body.paging.next).toBeUndefined();
    expect(second.body.paging.previous).toBeDefined();
    const none = await rig.graph('GET', `/v23.0/${ids.wabaId}/message_templates`);
    expect(none.body.error.code).toBe(190);
  });

  it('reports a status change with a message_template_status_update webhook', async () => {
    await rig.sandbox.setTemplateStatus({ name: 'hello_world', language: 'en_US', status: 'PAUSED' });
    const [hook] = await rig.receiver.waitFor(1);
    expect(hook!.signatureValid).toBe(true);
    const change = (hook!.body as Json).entry[0].changes[0];
    expect(change.field).toBe('message_template_status_update');
    expect(change.value).toMatchObject({
      event: 'PAUSED',
      message_template_name: 'hello_world',
      message_template_language: 'en_US',
    });
    const send = await rig.graph(
      'POST',
      `/v23.0/${ids.phoneNumberId}/messages`,
      {
        messaging_product: 'whatsapp',
        to: ids.customer,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      },
      bearer,
    );
    expect(send.body.error.code).toBe(132001);
  });
});
