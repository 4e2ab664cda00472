import { afterEach, describe, expect, it } from 'vitest';
import { ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
afterEach(async () => rig?.close());

const token = `access_token=${ids.pageToken}`;
const send = (body: Record<string, unknown>, path = `/v23.0/me/messages?${token}`) =>
  rig.graph('POST', path, body);
const text = (messagingType: string, body: string, extra: Record<string, unknown> = {}) =>
  send({ recipient: { id: ids.psid }, messaging_type: messagingType, message: { text: body }, ...extra });
const hour = 3600_000;

describe('Messenger messaging types and who may be messaged', () => {
  it('UPDATE, like RESPONSE, only inside 24 h; HUMAN_AGENT from 24 h to 7 days; nothing after', async () => {
    rig = await startRig();
    // Never wrote: no window at all.
    expect((await text('UPDATE', 'cold')).body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
    await rig.graph('POST', '/_sandbox/messenger/inbound', { psid: ids.psid, text: 'hi' });
    rig.sandbox.advanceClock(23 * hour);
    expect((await text('UPDATE', 'your order shipped')).status).toBe(200);
    expect((await text('RESPONSE', 'anything else?')).status).toBe(200);
    rig.sandbox.advanceClock(2 * hour);
    for (const type of ['UPDATE', 'RESPONSE']) {
      const late = await text(type, 'late');
      expect(late.status).toBe(400);
      expect(late.body.error).toMatchObject({ code: 10, error_subcode: 2018278, type: 'OAuthException' });
      expect(late.body.error.fbtrace_id).toEqual(expect.any(String));
    }
    const human = await text('MESSAGE_TAG', 'an agent here', { tag: 'HUMAN_AGENT' });
    expect(human.status).toBe(200);
    rig.sandbox.advanceClock(7 * 24 * hour - 25 * hour + 1);
    const gone = await text('MESSAGE_TAG', 'too late', { tag: 'HUMAN_AGENT' });
    expect(gone.body.error).toMatchObject({ code: 10, error_subcode: 2018278 });
    // A new customer message opens the standard window again.
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'back again' });
    expect((await text('RESPONSE', 'welcome back')).status).toBe(200);
  });

  it('sends through /{page-id}/messages with that page token only', async () => {
    rig = await startRig();
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'hi' });
    const ok = await text('RESPONSE', 'by page id', {});
    expect(ok.status).toBe(200);
    const byPage = await send(
      { recipient: { id: ids.psid }, messaging_type: 'RESPONSE', message: { text: 'x' } },
      `/v23.0/${ids.pageId}/messages?${token}`,
    );
    expect(byPage.body).toEqual({ recipient_id: ids.psid, message_id: expect.stringMatching(/^m_/) });
    const otherPage = await send(
      { recipient: { id: ids.psid }, messaging_type: 'RESPONSE', message: { text: 'x' } },
      `/v23.0/999999999/messages?${token}`,
    );
    expect(otherPage.status).toBe(400);
    expect(otherPage.body.error.code).toBe(100);
    const wrongToken = await send(
      { recipient: { id: ids.psid }, messaging_type: 'RESPONSE', message: { text: 'x' } },
      `/v23.0/me/messages?access_token=wrong`,
    );
    expect(wrongToken.body.error).toMatchObject({ code: 190, type: 'OAuthException' });
  });

  it('an app in development mode reaches only its testers (10/2018108)', async () => {
    rig = await startRig({
      app: {
        appSecret: ids.appSecret,
        verifyToken: ids.verifyToken,
        developmentMode: true,
      },
    });
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'hi' });
    const refused = await text('RESPONSE', 'hello');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 10,
      error_subcode: 2018108,
      message: expect.stringMatching(
        /^\(#10\) Cannot message users who are not admins, developers or testers/,
      ),
    });
    const typing = await send({ recipient: { id: ids.psid }, sender_action: 'typing_on' });
    expect(typing.body.error).toMatchObject({ code: 10, error_subcode: 2018108 });

    const added = await rig.graph('POST', '/_sandbox/messenger/customers', {
      psid: '4100000000000001',
      firstName: 'Tess',
      lastName: 'Tester',
      tester: true,
    });
    expect(added.status).toBe(200);
    await rig.sandbox.injectMessenger({ psid: '4100000000000001', text: 'hi' });
    const allowed = await send({
      recipient: { id: '4100000000000001' },
      messaging_type: 'RESPONSE',
      message: { text: 'hello tester' },
    });
    expect(allowed.status).toBe(200);
    expect((rig.sandbox.calls({ pathContains: '/me/messages' }).at(-1) as Json).status).toBe(200);
  });

  it('fail-next forces 2018108 like the other Messenger codes', async () => {
    rig = await startRig();
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'hi' });
    await rig.graph('POST', '/_sandbox/fail-next', { product: 'messenger', code: 2018108 });
    expect((await text('RESPONSE', 'a')).body.error).toMatchObject({ code: 10, error_subcode: 2018108 });
    expect((await text('RESPONSE', 'b')).status).toBe(200);
  });

  it('sender actions react and unreact set and clear the reaction the customer sees', async () => {
    rig = await startRig();
    const { mid } = await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'my parcel is late' });
    const react = await send({
      recipient: { id: ids.psid },
      sender_action: 'react',
      payload: { message_id: mid, reaction: '😮' },
    });
    expect(react.body).toEqual({ recipient_id: ids.psid });
    const seen = () =>
      rig.sandbox
        .conversation({ product: 'messenger', customer: ids.psid })
        .messages.find((m) => m.id === mid)?.reactions.business;
    expect(seen()).toBe('😮');
    const unreact = await send({
      recipient: { id: ids.psid },
      sender_action: 'unreact',
      payload: { message_id: mid },
    });
    expect(unreact.body).toEqual({ recipient_id: ids.psid });
    expect(seen()).toBeUndefined();
  });
});
