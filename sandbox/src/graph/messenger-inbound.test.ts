import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => rig.close());

const events = () =>
  rig.receiver.received.flatMap((r) => (r.body as Json).entry).flatMap((e: Json) => e.messaging ?? e.standby);

describe('Messenger inbound webhooks', () => {
  it('delivers entry[].messaging[] envelopes, signed, with ms timestamps', async () => {
    const { mid } = await rig.sandbox.injectMessenger({
      psid: ids.psid,
      text: 'hello, world!',
      quick_reply: { payload: 'TALK' },
    });
    const [hook] = await rig.receiver.waitFor(1);
    expect(hook!.signatureValid).toBe(true);
    expect(hook!.body).toEqual({
      object: 'page',
      entry: [
        {
          id: ids.pageId,
          time: rig.sandbox.now(),
          messaging: [
            {
              sender: { id: ids.psid },
              recipient: { id: ids.pageId },
              timestamp: rig.sandbox.now(),
              message: { mid, text: 'hello, world!', quick_reply: { payload: 'TALK' } },
            },
          ],
        },
      ],
    });
  });

  it('injects several attachments, the double sticker, GIFs, replies, reactions, edits, postbacks and echoes', async () => {
    const { mid: first } = await rig.sandbox.injectMessenger({
      psid: ids.psid,
      attachments: [
        { type: 'image' },
        { type: 'gif' },
        { type: 'file', file: { filename: 'invoice.pdf', base64: 'JVBERg==' } },
      ],
    });
    await rig.sandbox.injectMessenger({ psid: ids.psid, sticker: true });
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'this one', reply_to: first });
    await rig.sandbox.injectMessenger({
      psid: ids.psid,
      kind: 'reaction',
      reaction: { reaction: 'love', emoji: '❤️', action: 'react', mid: first },
    });
    await rig.sandbox.injectMessenger({
      psid: ids.psid,
      kind: 'message_edit',
      message_edit: { mid: first, text: 'edited' },
    });
    await rig.sandbox.injectMessenger({
      psid: ids.psid,
      kind: 'postback',
      postback: { title: 'Get Started', payload: 'GET_STARTED' },
    });
    await rig.sandbox.injectMessenger({ psid: ids.psid, kind: 'echo', echo: { text: 'from the inbox' } });
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'standby', standby: true });
    await rig.sandbox.injectMessenger({
      psid: ids.psid,
      attachments: [{ type: 'fallback', no_payload: true }],
    });
    const got = events();
    expect(got).toHaveLength(9);
    const attachments = got[0].message.attachments;
    expect(attachments.map((a: Json) => a.type)).toEqual(['image', 'image', 'file']);
    expect(attachments[1].payload.url).toMatch(/\.gif\?/);
    const file = await fetch(attachments[2].payload.url as string);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('%PDF');
    expect(got[1].message.attachments).toEqual([
      { type: 'sticker', payload: { url: expect.any(String), sticker_id: 369239263222822 } },
      { type: 'image', payload: { url: expect.any(String), sticker_id: 369239263222822 } },
    ]);
    expect(got[2].message.reply_to).toEqual({ mid: first, is_self_reply: false });
    expect(got[3].reaction).toEqual({ reaction: 'love', emoji: '❤️', action: 'react', mid: first });
    expect(got[4].message_edit).toEqual({ mid: first, text: 'edited', num_edit: 1 });
    expect(got[5].postback).toMatchObject({
      title: 'Get Started',
      payload: 'GET_STARTED',
      mid: expect.stringMatching(/^m_/),
    });
    expect(got[6]).toMatchObject({
      sender: { id: ids.pageId },
      recipient: { id: ids.psid },
      message: { is_echo: true, app_id: 263902037430900 },
    });
    const standby = rig.receiver.received.at(-2)!.body as Json;
    expect(standby.entry[0].standby[0].message.text).toBe('standby');
    expect(got[8].message.attachments).toEqual([{ type: 'fallback' }]);
  });
});
