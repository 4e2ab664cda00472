import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => rig.close());

const token = `access_token=${ids.pageToken}`;
const send = (body: Record<string, unknown>, path = `/v23.0/me/messages?${token}`) =>
  rig.graph('POST', path, body);
const reply = (text: string, extra: Record<string, unknown> = {}) =>
  send({ recipient: { id: ids.psid }, messaging_type: 'RESPONSE', message: { text }, ...extra });
const events = () =>
  rig.receiver.received.flatMap((r) => (r.body as Json).entry).flatMap((e: Json) => e.messaging ?? e.standby);

async function customerWrites(text = 'hello') {
  const result = await rig.sandbox.injectMessenger({ psid: ids.psid, text });
  rig.receiver.received.length = 0;
  return result;
}

describe('Send API', () => {
  it('sends inside the window and emits echo, delivery and read watermarks', async () => {
    await customerWrites();
    const sent = await reply('Hi Peter', { message: { text: 'Hi Peter', metadata: 'cc-msg-42' } });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ recipient_id: ids.psid, message_id: expect.stringMatching(/^m_/) });
    await rig.receiver.waitFor(3);
    await rig.sandbox.idle();
    const [echo, delivery, read] = events();
    expect(echo).toMatchObject({
      sender: { id: ids.pageId },
      recipient: { id: ids.psid },
      message: {
        is_echo: true,
        mid: sent.body.message_id,
        metadata: 'cc-msg-42',
        text: 'Hi Peter',
        app_id: expect.any(Number),
      },
    });
    expect(delivery).toMatchObject({
      sender: { id: ids.psid },
      delivery: { mids: [sent.body.message_id], watermark: rig.sandbox.now() },
    });
    expect(read).toMatchObject({ sender: { id: ids.psid }, read: { watermark: rig.sandbox.now() } });
    expect(rig.receiver.received.every((r) => r.signatureValid)).toBe(true);
  });

  it('takes the page token from the query, the body or form fields with JSON values, else 190', async () => {
    await customerWrites();
    const missing = await send(
      { recipient: { id: ids.psid }, messaging_type: 'RESPONSE', message: { text: 'x' } },
      '/v23.0/me/messages',
    );
    expect(missing.body.error.code).toBe(190);
    const wrong = await send(
      { recipient: { id: ids.psid }, messaging_type: 'RESPONSE', message: { text: 'x' } },
      '/v23.0/me/messages?access_token=x',
    );
    expect(wrong.body.error).toMatchObject({ code: 190, type: 'OAuthException' });
    const inBody = await send(
      {
        recipient: { id: ids.psid },
        messaging_type: 'RESPONSE',
        message: { text: 'x' },
        access_token: ids.pageToken,
      },
      `/v23.0/${ids.pageId}/messages`,
    );
    expect(inBody.status).toBe(200);
    const form = new URLSearchParams({
      recipient: `{"id":"${ids.psid}"}`,
      messaging_type: 'RESPONSE',
      message: '{"text":"form"}',
      access_token: ids.pageToken,
    });
    const viaForm = await fetch(`${rig.sandbox.url}/v23.0/me/messages`, { method: 'POST', body: form });
    expect(viaForm.status).toBe(200);
    expect(((await viaForm.json()) as Json).recipient_id).toBe(ids.psid);
  });

  it('enforces the 24 h window, HUMAN_AGENT up to 7 days, and retired tags', async () => {
    await customerWrites();
    rig.sandbox.advanceClock(24 * 3600_000 + 1);
    const late = await reply('late');
    expect(late.status).toBe(400);
    expect(late.body.error).toMatchObject({
      message: '(#10) This message is sent outside of allowed window.',
      type: 'OAuthException',
      code: 10,
      error_subcode: 2018278,
    });
    const human = await send({
      recipient: { id: ids.psid },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'agent' },
    });
    expect(human.status).toBe(200);
    const retired = await send({
      recipient: { id: ids.psid },
      messaging_type: 'MESSAGE_TAG',
      tag: 'ACCOUNT_UPDATE',
      message: { text: 'x' },
    });
    expect(retired.body.error.code).toBe(100);
    const untyped = await send({ recipient: { id: ids.psid }, message: { text: 'x' } });
    expect(untyped.body.error.code).toBe(100);
    rig.sandbox.advanceClock(6 * 24 * 3600_000);
    const tooLate = await send({
      recipient: { id: ids.psid },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'x' },
    });
    expect(tooLate.body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
  });

  it('refuses HUMAN_AGENT for a page without the feature', async () => {
    await rig.close();
    rig = await startRig({
      messenger: {
        pages: [{ pageId: ids.pageId, name: 'P', pageAccessToken: ids.pageToken, humanAgentApproved: false }],
        customers: [{ psid: ids.psid, firstName: 'Peter', lastName: 'Chang' }],
      },
    });
    await customerWrites();
    const human = await send({
      recipient: { id: ids.psid },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'agent' },
    });
    expect(human.status).toBe(400);
    expect(human.body.error.code).toBe(10);
    expect(human.body.error.error_subcode).toBeUndefined();
  });

  it('limits text to 2,000 characters and checks attachments and reply_to', async () => {
    const { mid } = await customerWrites();
    expect((await reply('a'.repeat(2000))).status).toBe(200);
    const long = await reply('a'.repeat(2001));
    expect(long.body.error).toMatchObject({ code: 100, message: expect.stringMatching(/2000/) });
    const png = rig.receiver.serve('a.png', Buffer.from('png-bytes'), 'image/png');
    const byUrl = await send({
      recipient: { id: ids.psid },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'image', payload: { url: png, is_reusable: true } } },
    });
    expect(byUrl.status).toBe(200);
    await rig.sandbox.idle();
    const echo = events().find((e: Json) => e.message?.mid === byUrl.body.message_id);
    const rehosted = echo.message.attachments[0].payload.url as string;
    expect(rehosted.startsWith(rig.sandbox.url)).toBe(true);
    expect(Buffer.from(await (await fetch(rehosted)).arrayBuffer()).toString()).toBe('png-bytes');
    const missing = await send({
      recipient: { id: ids.psid },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'image', payload: { url: `${rig.receiver.filesUrl}/gone.png` } } },
    });
    expect(missing.body.error).toMatchObject({
      code: 100,
      message: '(#100) Failed to fetch the file from the url',
    });
    const pdf = rig.receiver.serve('a.pdf', Buffer.from('%PDF-1.4'), 'application/pdf');
    const upload = await rig.graph('POST', `/v23.0/me/message_attachments?${token}`, {
      message: { attachment: { type: 'file', payload: { url: pdf, is_reusable: true } } },
    });
    expect(upload.body).toEqual({ attachment_id: expect.stringMatching(/^\d+$/) });
    const byId = await send({
      recipient: { id: ids.psid },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'file', payload: { attachment_id: upload.body.attachment_id } } },
    });
    expect(byId.status).toBe(200);
    const badId = await send({
      recipient: { id: ids.psid },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'file', payload: { attachment_id: '999' } } },
    });
    expect(badId.body.error.code).toBe(100);
    const chips = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ content_type: 'text', title: `Option ${i}`, payload: `P${i}` }));
    expect((await reply('', { message: { text: 'pick', quick_replies: chips(13) } })).status).toBe(200);
    expect((await reply('', { message: { text: 'pick', quick_replies: chips(14) } })).body.error.code).toBe(
      100,
    );
    const longTitle = [{ content_type: 'text', title: 'x'.repeat(21), payload: 'P' }];
    expect((await reply('', { message: { text: 'pick', quick_replies: longTitle } })).body.error.code).toBe(
      100,
    );
    const metadata = 'm'.repeat(1001);
    expect((await reply('', { message: { text: 'meta', metadata } })).body.error.code).toBe(100);
    expect((await reply('quoting', { reply_to: { mid } })).status).toBe(200);
    expect((await reply('quoting', { reply_to: { mid: 'm_unknown' } })).body.error.code).toBe(100);
  });

  it('uploads an attachment as multipart filedata', async () => {
    await customerWrites();
    const form = new FormData();
    form.append('message', JSON.stringify({ attachment: { type: 'image', payload: { is_reusable: true } } }));
    form.append('filedata', new Blob([Buffer.from('png-bytes')], { type: 'image/png' }), 'a.png');
    const response = await fetch(`${rig.sandbox.url}/v23.0/me/message_attachments?${token}`, {
      method: 'POST',
      body: form,
    });
    const body = (await response.json()) as Json;
    expect(response.status).toBe(200);
    const sent = await send({
      recipient: { id: ids.psid },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'image', payload: { attachment_id: body.attachment_id } } },
    });
    expect(sent.status).toBe(200);
    await rig.receiver.waitFor(1);
    const echoUrl = events()[0].message.attachments[0].payload.url as string;
    expect(Buffer.from(await (await fetch(echoUrl)).arrayBuffer()).toString()).toBe('png-bytes');
  });

  it('uploads and sends in one multipart call (recipient, message, filedata)', async () => {
    await customerWrites();
    const form = new FormData();
    form.append('recipient', JSON.stringify({ id: ids.psid }));
    form.append('messaging_type', 'RESPONSE');
    form.append('message', JSON.stringify({ attachment: { type: 'file', payload: { is_reusable: true } } }));
    form.append('filedata', new Blob([Buffer.from('%PDF-1.4')], { type: 'application/pdf' }), 'invoice.pdf');
    const response = await fetch(`${rig.sandbox.url}/v23.0/me/messages?${token}`, {
      method: 'POST',
      body: form,
    });
    const body = (await response.json()) as Json;
    expect(response.status).toBe(200);
    expect(body).toEqual({ recipient_id: ids.psid, message_id: expect.stringMatching(/^m_/) });
    await rig.receiver.waitFor(1);
    const url = events()[0].message.attachments[0].payload.url as string;
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).toString()).toBe('%PDF-1.4');
    const call = rig.sandbox.calls({ pathContains: '/me/messages' }).at(-1)!;
    expect(call.body).toMatchObject({
      messaging_type: 'RESPONSE',
      files: [{ field: 'filedata', filename: 'invoice.pdf' }],
    });
  });

  it('sender actions: typing, mark_seen, react; not together with a message', async () => {
    const { mid } = await customerWrites();
    const typing = await send({ recipient: { id: ids.psid }, sender_action: 'typing_on' });
    expect(typing.body).toEqual({ recipient_id: ids.psid });
    const react = await send({
      recipient: { id: ids.psid },
      sender_action: 'react',
      payload: { message_id: mid, reaction: '😊' },
    });
    expect(react.status).toBe(200);
    const view = rig.sandbox.conversation({ product: 'messenger', customer: ids.psid });
    expect(view.messages[0]!.reactions.business).toBe('😊');
    expect(view.typing).toBe(true);
    const both = await send({
      recipient: { id: ids.psid },
      sender_action: 'typing_on',
      messaging_type: 'RESPONSE',
      message: { text: 'x' },
    });
    expect(both.body.error.code).toBe(100);
  });

  it('answers 551/1545041 for unavailable people and 100/2018001 for unknown ids', async () => {
    rig.sandbox.addMessengerCustomer({
      psid: '555',
      firstName: 'Blocked',
      lastName: 'User',
      state: 'unavailable',
    });
    await rig.sandbox.injectMessenger({ psid: '555', text: 'hi' });
    const blocked = await send({
      recipient: { id: '555' },
      messaging_type: 'RESPONSE',
      message: { text: 'x' },
    });
    expect(blocked.body.error).toMatchObject({ code: 551, error_subcode: 1545041 });
    const unknown = await send({
      recipient: { id: '777' },
      messaging_type: 'RESPONSE',
      message: { text: 'x' },
    });
    expect(unknown.body.error).toMatchObject({ code: 100, error_subcode: 2018001 });
  });

  it('fail-next forces Messenger codes (551/1545041, 2018278, 5xx)', async () => {
    await customerWrites();
    rig.sandbox.failNext({ product: 'messenger', code: 1545041 });
    rig.sandbox.failNext({ product: 'messenger', code: 2018278 });
    rig.sandbox.failNext({ product: 'messenger', code: 500 });
    expect((await reply('a')).body.error).toMatchObject({ code: 551, error_subcode: 1545041 });
    expect((await reply('b')).body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
    expect((await reply('c')).status).toBe(500);
    expect((await reply('d')).status).toBe(200);
  });
});
