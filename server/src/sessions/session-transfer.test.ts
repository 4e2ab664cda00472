import { describe, expect, it } from 'vitest';
import { call } from '../../test/factories.js';
import { useEngineTestApp, type EngineFixture } from '../../test/engine-setup.js';
import { activeChat } from '../../test/engine-steps.js';

const engine = useEngineTestApp();
let f: EngineFixture;

const payload = (e: { payload: unknown }) => e.payload as any;

describe('transfer', () => {
  it('to a group: the session joins that queue, its operator gets the offer, the customer is told', async () => {
    f = await engine.fixture();
    const { customer, sessionId } = await activeChat(engine.t, f);
    await f.available('petr');
    const targets = await call(engine.t.url, 'GET', `/api/v1/sessions/${sessionId}/transfer-targets`, {
      headers: f.sessions.olga!.headers,
    });
    expect(targets.body.groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: f.tenant.groupB, name: 'Group B', waiting: 0, available: 1 }),
      ]),
    );
    expect(targets.body.operators).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Petr', presence: 'available', load: 0, capacity: 3 }),
      ]),
    );

    const moved = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/transfer`, {
      headers: f.sessions.olga!.headers,
      body: { groupId: f.tenant.groupB },
    });
    expect(moved.status).toBe(200);
    const offer = await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).sessionId === sessionId,
    );
    expect(payload(offer).session).toMatchObject({ groupName: 'Group B', state: 'offered' });
    await customer.waitFor((e) => e.name === 'visitor.message' && /transferred/.test(payload(e).text));
    await call(engine.t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
      headers: f.sessions.petr!.headers,
    });
    const detail = await call(engine.t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
      headers: f.sessions.petr!.headers,
    });
    expect(detail.body.session.participants).toEqual([
      expect.objectContaining({ name: 'Petr', role: 'owner' }),
    ]);
    // Olga is out of it now.
    const olgaSends = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'still here?' },
    });
    expect(olgaSends.status).toBe(404);
    customer.close();
  });

  it('to an operator who does not accept in time: back to the group queue at the front, never dropped', async () => {
    f = await engine.fixture({ capacity: 1 });
    const { customer, sessionId } = await activeChat(engine.t, f, 'First in line');
    await f.available('petr');
    const moved = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/transfer`, {
      headers: f.sessions.olga!.headers,
      body: { userId: f.tenant.operators[1]!.id },
    });
    expect(moved.body.state).toBe('offered');
    const offer = await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).kind === 'transfer',
    );
    expect(payload(offer).fromUserId).toBe(f.tenant.operators[0]!.id);
    // Meanwhile another customer queues in group A; Olga (capacity 1) is busy with… nothing now, so block her.
    await call(engine.t.url, 'PUT', '/api/v1/operators/me/presence', {
      headers: f.sessions.olga!.headers,
      body: { status: 'away' },
    });
    await call(engine.t.url, 'POST', `/api/v1/webchat/${f.key}/chat`, {
      body: { question: 'Second in line' },
    });
    await engine.t.advance(31_000);
    await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.closed' && payload(e).reason === 'expired',
      10_000,
    );
    await customer.waitFor(
      (e) => e.name === 'visitor.message' && /next available operator/.test(payload(e).text),
    );
    const queue = await call(engine.t.url, 'GET', '/api/v1/sessions?state=waiting', {
      headers: f.sessions.supervisor!.headers,
    });
    expect(queue.body.items.map((s: { firstMessage: string }) => s.firstMessage)).toEqual(
      expect.arrayContaining(['First in line', 'Second in line']),
    );
    // Olga comes back: the returned session is offered before the newer one.
    const mark = f.sockets.olga!.events.at(-1)?.seq ?? 0;
    await f.available('olga');
    const next = await f.sockets.olga!.waitFor((e) => e.seq > mark && e.name === 'offer.created');
    expect(payload(next).sessionId).toBe(sessionId);
    expect(payload(next).session.priority).toBeGreaterThan(0);
    customer.close();
  });
});

describe('conference', () => {
  it('invite, accept, both write under their names, the guest exits, the session goes on', async () => {
    f = await engine.fixture();
    const { customer, sessionId } = await activeChat(engine.t, f);
    await f.available('petr');
    const invited = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/conference`, {
      headers: f.sessions.olga!.headers,
      body: { userId: f.tenant.operators[1]!.id },
    });
    expect(invited.status).toBe(200);
    const offer = await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).kind === 'conference',
    );
    await call(engine.t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
      headers: f.sessions.petr!.headers,
    });
    await customer.waitFor(
      (e) => e.name === 'visitor.message' && payload(e).text === 'Petr joined the conversation.',
    );

    await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.petr!.headers,
      body: { text: 'Petr here' },
    });
    const fromPetr = await customer.waitFor(
      (e) => e.name === 'visitor.message' && payload(e).text === 'Petr here',
    );
    expect(payload(fromPetr).authorName).toBe('Petr');
    // Olga sees the guest's message live.
    await f.sockets.olga!.waitFor((e) => e.name === 'message.created' && payload(e).author?.name === 'Petr');

    const ownerExit = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/conference/exit`, {
      headers: f.sessions.olga!.headers,
    });
    expect(ownerExit.status).toBe(422);
    const guestEnds = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
      headers: f.sessions.petr!.headers,
      body: {},
    });
    expect(guestEnds.body.error.code).toBe('not_in_session');
    const exit = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/conference/exit`, {
      headers: f.sessions.petr!.headers,
    });
    expect(exit.body).toMatchObject({ state: 'active', participants: [{ name: 'Olga', role: 'owner' }] });
    await customer.waitFor(
      (e) => e.name === 'visitor.message' && payload(e).text === 'Petr left the conversation.',
    );
    const goesOn = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Back to us two' },
    });
    expect(goesOn.status).toBe(201);

    // The host can also end a conference.
    const again = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/conference`, {
      headers: f.sessions.olga!.headers,
      body: { userId: f.tenant.operators[1]!.id },
    });
    expect(again.status).toBe(200);
    const offer2 = await f.sockets.petr!.waitFor(
      (e) =>
        e.name === 'offer.created' && payload(e).kind === 'conference' && payload(e).id !== payload(offer).id,
    );
    await call(engine.t.url, 'POST', `/api/v1/offers/${payload(offer2).id}/accept`, {
      headers: f.sessions.petr!.headers,
    });
    const ended = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/conference/end`, {
      headers: f.sessions.olga!.headers,
    });
    expect(ended.body.participants).toEqual([expect.objectContaining({ name: 'Olga' })]);
    customer.close();
  });
});
