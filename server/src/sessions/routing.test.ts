import { describe, expect, it } from 'vitest';
import { call } from '../../test/factories.js';
import { useEngineTestApp, type EngineFixture } from '../../test/engine-setup.js';
import { startWebchat } from '../../test/webchat-client.js';
import { sleep } from '../../test/socket-client.js';

const engine = useEngineTestApp();
let f: EngineFixture;

const payload = (e: { payload: unknown }) => e.payload as any;

describe('routing', () => {
  it('gives an unanswered offer to the next operator and puts the first in rona until they are available again', async () => {
    f = await engine.fixture();
    // Petr joins group A too; utilisation routing with equal loads goes to the one idle longest.
    await call(engine.t.url, 'PUT', `/api/v1/groups/${f.tenant.groupA}/members`, {
      headers: f.sessions.admin!.headers,
      body: { members: [{ userId: f.tenant.operators[0]!.id }, { userId: f.tenant.operators[1]!.id }] },
    });
    await f.available('olga');
    await engine.t.advance(1000);
    await f.available('petr');
    await startWebchat(engine.t.url, f.key, { question: 'Anyone?' });
    const first = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    expect(f.sockets.petr!.events.some((e) => e.name === 'offer.created')).toBe(false);

    await engine.t.advance(31_000);
    const closed = await f.sockets.olga!.waitFor((e) => e.name === 'offer.closed', 10_000);
    expect(payload(closed)).toMatchObject({ offerId: payload(first).id, reason: 'expired' });
    const rona = await f.sockets.supervisor!.waitFor(
      (e) => e.name === 'presence.changed' && payload(e).status === 'rona',
    );
    expect(payload(rona).userId).toBe(f.tenant.operators[0]!.id);
    const second = await f.sockets.petr!.waitFor((e) => e.name === 'offer.created');
    expect(payload(second).sessionId).toBe(payload(first).sessionId);
    const late = await call(engine.t.url, 'POST', `/api/v1/offers/${payload(first).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });
    expect(late.body.error.code).toBe('offer_gone');

    // While in rona Olga gets nothing new, even though she has room (Petr is full: capacity 1, one offer).
    await call(engine.t.url, 'PATCH', `/api/v1/operators/${f.tenant.operators[1]!.id}`, {
      headers: f.sessions.admin!.headers,
      body: { capacity: 1 },
    });
    await startWebchat(engine.t.url, f.key, { question: 'Second customer' });
    await sleep(300);
    expect(f.sockets.olga!.events.filter((e) => e.name === 'offer.created')).toHaveLength(1);
    // Setting herself available takes the waiting customer at once.
    await f.available('olga');
    const third = await f.sockets.olga!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).session.firstMessage === 'Second customer',
    );
    expect(third).toBeDefined();
  });

  it('whole-group mode offers everyone at once; the first accept wins and the others are withdrawn', async () => {
    f = await engine.fixture({ groupA: { routingMode: 'whole_group' } });
    await call(engine.t.url, 'PUT', `/api/v1/groups/${f.tenant.groupA}/members`, {
      headers: f.sessions.admin!.headers,
      body: {
        members: [
          { userId: f.tenant.operators[0]!.id },
          { userId: f.tenant.operators[1]!.id },
          { userId: f.tenant.supervisor.id },
        ],
      },
    });
    await f.available('olga');
    await f.available('petr');
    await startWebchat(engine.t.url, f.key, { question: 'Sales question' });
    const toOlga = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    const toPetr = await f.sockets.petr!.waitFor((e) => e.name === 'offer.created');
    expect(payload(toOlga).sessionId).toBe(payload(toPetr).sessionId);

    const [a, b] = await Promise.all([
      call(engine.t.url, 'POST', `/api/v1/offers/${payload(toOlga).id}/accept`, {
        headers: f.sessions.olga!.headers,
      }),
      call(engine.t.url, 'POST', `/api/v1/offers/${payload(toPetr).id}/accept`, {
        headers: f.sessions.petr!.headers,
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loserSocket = a.status === 200 ? f.sockets.petr! : f.sockets.olga!;
    const withdrawn = await loserSocket.waitFor((e) => e.name === 'offer.closed');
    expect(payload(withdrawn).reason).toBe('withdrawn');
    // The group sees it go from offered straight to active: withdrawing the loser's offer does not put it back in
    // the queue on the way.
    const sessionId = payload(toOlga).sessionId;
    const states = () =>
      f.sockets
        .supervisor!.events.filter((e) => e.name === 'session.changed' && payload(e).session.id === sessionId)
        .map((e) => payload(e).session.state as string);
    await expect.poll(() => states().at(-1)).toBe('active');
    expect(states().slice(states().indexOf('offered'))).toEqual(['offered', 'active']);
  });

  it('never offers past capacity; a session waits until capacity frees up', async () => {
    f = await engine.fixture({ capacity: 1 });
    await f.available('olga');
    await startWebchat(engine.t.url, f.key, { question: 'One' });
    const one = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    await call(engine.t.url, 'POST', `/api/v1/offers/${payload(one).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });
    await startWebchat(engine.t.url, f.key, { question: 'Two' });
    await sleep(300);
    expect(f.sockets.olga!.events.filter((e) => e.name === 'offer.created')).toHaveLength(1);
    const waiting = await call(engine.t.url, 'GET', '/api/v1/sessions?state=waiting', {
      headers: f.sessions.olga!.headers,
    });
    expect(waiting.body.items.map((s: { firstMessage: string }) => s.firstMessage)).toEqual(['Two']);
    // Ending the first frees her: the second is offered at once.
    await call(engine.t.url, 'POST', `/api/v1/sessions/${payload(one).sessionId}/end`, {
      headers: f.sessions.olga!.headers,
      body: {},
    });
    const two = await f.sockets.olga!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).session.firstMessage === 'Two',
    );
    expect(two).toBeDefined();
  });

  it('sticky routing prefers the operator who last served the contact', async () => {
    f = await engine.fixture({ groupA: { sticky: true } });
    await call(engine.t.url, 'PUT', `/api/v1/groups/${f.tenant.groupA}/members`, {
      headers: f.sessions.admin!.headers,
      body: { members: [{ userId: f.tenant.operators[0]!.id }, { userId: f.tenant.operators[1]!.id }] },
    });
    // First visit: only Petr is there.
    await f.available('petr');
    const customer = await startWebchat(engine.t.url, f.key, { question: 'First visit' });
    const first = await f.sockets.petr!.waitFor((e) => e.name === 'offer.created');
    await call(engine.t.url, 'POST', `/api/v1/offers/${payload(first).id}/accept`, {
      headers: f.sessions.petr!.headers,
    });
    await call(engine.t.url, 'POST', `/api/v1/sessions/${payload(first).sessionId}/end`, {
      headers: f.sessions.petr!.headers,
      body: {},
    });
    // Second visit: Olga has been idle longer and would win on utilisation, but Petr served this customer.
    await f.available('olga');
    await engine.t.advance(60_000);
    await f.available('petr');
    await customer.send('Back again');
    const second = await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).id !== payload(first).id,
    );
    expect(payload(second).session.firstMessage).toBe('Back again');
    expect(f.sockets.olga!.events.some((e) => e.name === 'offer.created')).toBe(false);
  });

  it('outside business hours the customer gets the group’s offline message, and the session waits', async () => {
    const now = engine.t.clock.now();
    const isoDay = ((now.getUTCDay() + 6) % 7) + 1;
    const otherDay = (isoDay % 7) + 1;
    f = await engine.fixture({
      groupA: {
        businessHours: { timezone: 'UTC', weekly: [{ days: [otherDay], from: '00:00', to: '23:59' }] },
        offlineMessage: 'We are closed; we reply tomorrow from 8:00.',
      },
    });
    const customer = await startWebchat(engine.t.url, f.key, { question: 'Open?' });
    await customer.connect();
    const reload = await customer.request('GET', '/chat');
    expect(reload.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'Open?',
      'We are closed; we reply tomorrow from 8:00.',
    ]);
    const waiting = await call(engine.t.url, 'GET', '/api/v1/sessions?state=waiting', {
      headers: f.sessions.supervisor!.headers,
    });
    expect(waiting.body.items).toHaveLength(1);
    customer.close();
  });
});
