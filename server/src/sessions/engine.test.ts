import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { channelAccounts } from '../db/schema.js';
import { call } from '../../test/factories.js';
import { useEngineTestApp, type EngineFixture } from '../../test/engine-setup.js';
import { startWebchat } from '../../test/webchat-client.js';

const engine = useEngineTestApp();
let f: EngineFixture;

const payload = (e: { payload: unknown }) => e.payload as any;

describe('a web chat from first message to end', () => {
  it('creates a session in the routed group, offers it with what the operator needs, and goes active on accept', async () => {
    f = await engine.fixture();
    await f.available('olga');
    const customer = await startWebchat(engine.t.url, f.key, {
      name: 'Karel',
      question: 'Dobrý den, <b>help</b> 👋',
      pageUrl: 'https://shop.example/cart',
    });
    await customer.connect();

    const offer = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    expect(payload(offer)).toMatchObject({
      kind: 'queue',
      session: {
        state: 'offered',
        channel: 'webchat',
        groupName: 'Group A',
        sourceName: 'Website',
        sourceUrl: 'https://shop.example/cart',
        contact: { name: 'Karel' },
        firstMessage: 'Dobrý den, <b>help</b> 👋',
      },
    });
    expect(new Date(payload(offer).expiresAt).getTime() - engine.t.clock.now().getTime()).toBe(30_000);
    // Petr is in another group: no offer for him.
    expect(f.sockets.petr!.events.some((e) => e.name === 'offer.created')).toBe(false);

    const accepted = await call(engine.t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      state: 'active',
      participants: [{ userId: f.tenant.operators[0]!.id, role: 'owner' }],
    });
    const joined = await customer.waitFor(
      (e) => e.name === 'visitor.message' && payload(e).authorKind === 'system',
    );
    expect(payload(joined).text).toBe('Olga joined the conversation.');
    await customer.waitFor((e) => e.name === 'visitor.session' && payload(e).state === 'active');

    const detail = await call(engine.t.url, 'GET', `/api/v1/sessions/${accepted.body.id}`, {
      headers: f.sessions.olga!.headers,
    });
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'offered',
      'accepted',
    ]);
    expect(detail.body.composer).toMatchObject({ freeText: true, maxTextLength: 4000 });
    customer.close();
  });

  it('exchanges messages both ways with typing, delivered and read, and a duplicate send is stored once', async () => {
    f = await engine.fixture();
    await f.available('olga');
    const customer = await startWebchat(engine.t.url, f.key, { question: 'Hello' });
    await customer.connect();
    const offer = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    const sessionId = payload(offer).sessionId;
    await call(engine.t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });

    const first = await customer.send('Second question', 'client-1');
    const again = await customer.send('Second question', 'client-1');
    expect(first.body.duplicate).toBe(false);
    expect(again.body).toMatchObject({ duplicate: true, message: { id: first.body.message.id } });
    const inbound = await f.sockets.olga!.waitFor(
      (e) => e.name === 'message.created' && payload(e).text === 'Second question',
    );
    expect(payload(inbound)).toMatchObject({ direction: 'in', authorKind: 'customer', status: 'received' });

    await customer.request('POST', '/typing', { typing: true });
    await expect.poll(() => f.sockets.olga!.socket.listeners('ephemeral').length >= 0).toBe(true);

    const typed = await f.sockets.olga!.socket.emitWithAck('session.typing', { sessionId, typing: true });
    expect(typed).toEqual({ ok: true, data: { ok: true } });
    await expect
      .poll(() => customer.ephemeral.some((s) => s.payload.who === 'operator' && s.payload.name === 'Olga'))
      .toBe(true);

    // Over the socket too, as the workspace sends; a payload with an unknown field is refused.
    const viaSocket = await f.sockets.olga!.socket.emitWithAck('message.send', {
      sessionId,
      text: 'From the socket',
      clientMessageId: 'sock-1',
    });
    expect(viaSocket).toMatchObject({ ok: true, data: { status: 'sent' } });
    await customer.waitFor((e) => e.name === 'visitor.message' && payload(e).text === 'From the socket');
    const extra = await f.sockets.olga!.socket.emitWithAck('message.send', {
      sessionId,
      text: 'x',
      colour: 'red',
    } as never);
    expect(extra).toMatchObject({ ok: false, error: { code: 'validation_failed' } });

    const reply = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: {
        text: 'Hi! 😊 How can I help?',
        quotedMessageId: inbound.payload && payload(inbound).id,
        clientMessageId: 'op-1',
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      status: 'sent',
      author: { name: 'Olga' },
      quotedMessageId: payload(inbound).id,
    });
    const atWidget = await customer.waitFor(
      (e) => e.name === 'visitor.message' && payload(e).text === 'Hi! 😊 How can I help?',
    );
    expect(payload(atWidget)).toMatchObject({ authorKind: 'operator', authorName: 'Olga', status: 'sent' });

    await customer.request('POST', '/receipts', { status: 'read', upToMessageId: reply.body.id });
    const read = await f.sockets.olga!.waitFor(
      (e) => e.name === 'message.updated' && payload(e).id === reply.body.id && payload(e).status === 'read',
    );
    expect(read).toBeDefined();
    // A late "delivered" never moves a read message back.
    const late = await customer.request('POST', '/receipts', {
      status: 'delivered',
      upToMessageId: reply.body.id,
    });
    expect(late.body.updated).toBe(0);
    const messages = await call(engine.t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
    });
    expect(messages.body.items.find((m: { id: string }) => m.id === reply.body.id).status).toBe('read');

    // The operator reads the customer's messages: the widget sees its messages read.
    await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/read`, {
      headers: f.sessions.olga!.headers,
      body: { upToMessageId: payload(inbound).id },
    });
    await customer.waitFor(
      (e) =>
        e.name === 'visitor.message.updated' &&
        payload(e).id === payload(inbound).id &&
        payload(e).status === 'read',
    );

    // After a reload the widget gets the whole chat, in order, once.
    const reloaded = await customer.request('GET', '/chat');
    expect(reloaded.body.seq).toBeGreaterThan(0);
    expect(
      reloaded.body.messages.find((m: { text: string }) => m.text === 'Second question').clientMessageId,
    ).toBe('client-1');
    expect(reloaded.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'Hello',
      'Olga joined the conversation.',
      'Second question',
      'From the socket',
      'Hi! 😊 How can I help?',
    ]);
    customer.close();
  });

  it('refuses what is out of state or too long, with stable codes, and changes nothing', async () => {
    f = await engine.fixture();
    await f.available('olga');
    const customer = await startWebchat(engine.t.url, f.key, { question: 'Hi' });
    const offer = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    const sessionId = payload(offer).sessionId;

    const early = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'too early' },
    });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('session_state');

    await call(engine.t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });
    const twice = await call(engine.t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('offer_gone');

    const long = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'x'.repeat(4001) },
    });
    expect(long.status).toBe(422);
    expect(long.body.error).toMatchObject({ code: 'text_too_long', details: { limit: 4000, length: 4001 } });
    const widgetLong = await customer.send('y'.repeat(4001));
    expect(widgetLong.status).toBe(422);

    // Petr is not in the session (nor its group): it does not exist for him.
    const foreign = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/transfer`, {
      headers: f.sessions.petr!.headers,
      body: { groupId: f.tenant.groupB },
    });
    expect(foreign.status).toBe(404);

    const messages = await call(engine.t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
    });
    expect(messages.body.items.map((m: { text: string }) => m.text)).toEqual([
      'Hi',
      'Olga joined the conversation.',
    ]);

    const unknownKey = await call(engine.t.url, 'POST', '/api/v1/webchat/no-such-key/chat', {
      body: { question: 'hello?' },
    });
    expect(unknownKey.status).toBe(401);
    const noToken = await call(engine.t.url, 'POST', `/api/v1/webchat/${f.key}/messages`, {
      body: { clientMessageId: 'a', text: 'hi' },
    });
    expect(noToken.status).toBe(401);
    // An administrator switches the widget off: it stops taking chats at once, and says so.
    await engine.t.database.db
      .update(channelAccounts)
      .set({ enabled: false })
      .where(eq(channelAccounts.id, f.channelAccountId));
    const disabled = await customer.send('still on?');
    expect(disabled.status).toBe(401);
    expect(disabled.body.error.code).toBe('unauthenticated');
    expect(
      (await call(engine.t.url, 'POST', `/api/v1/webchat/${f.key}/chat`, { body: { question: 'new?' } }))
        .status,
    ).toBe(401);
  });
});
