import { describe, expect, it } from 'vitest';
import { call } from '../../test/factories.js';
import { useEngineTestApp } from '../../test/engine-setup.js';
import { activeChat } from '../../test/engine-steps.js';
import { startWebchat } from '../../test/webchat-client.js';

const app = useEngineTestApp();

describe('presence in routing', () => {
  it('counts idle time from when an operator last became available, not from their first day', async () => {
    const f = await app.fixture({ capacity: 2 });
    const [olga, petr] = f.tenant.operators;
    await call(app.t.url, 'PUT', `/api/v1/groups/${f.tenant.groupA}/members`, {
      headers: f.sessions.admin!.headers,
      body: { members: [{ userId: olga!.id }, { userId: petr!.id }] },
    });
    await f.available('olga');
    await app.t.advance(60_000);
    await f.available('petr');
    // Olga takes a break and comes back: Petr has now been waiting for work longer.
    const away = await call(app.t.url, 'PUT', `/api/v1/operators/${olga!.id}/presence`, {
      headers: f.sessions.olga!.headers,
      body: { status: 'away', awayReason: 'Lunch' },
    });
    expect(away.status).toBe(200);
    await app.t.advance(60_000);
    await f.available('olga');

    await startWebchat(app.t.url, f.key, { question: 'Who is free?' });
    await f.sockets.petr!.waitFor((e) => e.name === 'offer.created');
    expect(f.sockets.olga!.events.some((e) => e.name === 'offer.created')).toBe(false);
  });
});

describe('deactivating an operator', () => {
  it('signs them out and takes them offline: the offer they had goes to the next operator', async () => {
    const f = await app.fixture();
    const [olga, petr] = f.tenant.operators;
    await call(app.t.url, 'PUT', `/api/v1/groups/${f.tenant.groupA}/members`, {
      headers: f.sessions.admin!.headers,
      body: { members: [{ userId: olga!.id }, { userId: petr!.id }] },
    });
    await f.available('olga');
    await app.t.advance(60_000);
    await f.available('petr');
    await startWebchat(app.t.url, f.key, { question: 'Anyone there?' });
    await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');

    const closed = new Promise((resolve) => f.sockets.olga!.socket.once('disconnect', resolve));
    const deactivated = await call(app.t.url, 'PATCH', `/api/v1/operators/${olga!.id}`, {
      headers: f.sessions.admin!.headers,
      body: { active: false },
    });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ active: false, presence: 'offline' });
    // Her open socket is told, then closed; Petr's stays.
    expect(await closed).toBe('io server disconnect');
    expect(f.sockets.olga!.events.some((e) => e.name === 'operator.signed_out')).toBe(true);
    expect(f.sockets.petr!.socket.connected).toBe(true);
    await f.sockets.petr!.waitFor((e) => e.name === 'offer.created');
    const me = await call(app.t.url, 'GET', '/api/v1/auth/me', { headers: f.sessions.olga!.headers });
    expect(me.status).toBe(401);
  });
  it('hands their customers back: a session they own goes to the front of the queue, from a conference they leave', async () => {
    const f = await app.fixture({ capacity: 3 });
    const [olga, petr] = f.tenant.operators;
    const admin = f.sessions.admin!.headers;
    await call(app.t.url, 'PUT', `/api/v1/groups/${f.tenant.groupA}/members`, {
      headers: admin,
      body: { members: [{ userId: olga!.id }, { userId: petr!.id }] },
    });
    const own = await activeChat(app.t, f, 'Olga helps me');

    // Petr takes the next customer, and asks Olga into that conversation.
    await f.available('petr');
    const other = await startWebchat(app.t.url, f.key, { question: 'Petr helps me' });
    await other.connect();
    const offer = await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && (e.payload as any).session.firstMessage === 'Petr helps me',
    );
    const accepted = await call(app.t.url, 'POST', `/api/v1/offers/${(offer.payload as any).id}/accept`, {
      headers: f.sessions.petr!.headers,
    });
    const shared = accepted.body.id as string;
    await call(app.t.url, 'POST', `/api/v1/sessions/${shared}/conference`, {
      headers: f.sessions.petr!.headers,
      body: { userId: olga!.id },
    });
    const invitation = await f.sockets.olga!.waitFor(
      (e) => e.name === 'offer.created' && (e.payload as any).kind === 'conference',
    );
    await call(app.t.url, 'POST', `/api/v1/offers/${(invitation.payload as any).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });
    await other.waitFor(
      (e) => e.name === 'visitor.message' && (e.payload as any).text === 'Olga joined the conversation.',
    );

    const deactivated = await call(app.t.url, 'PATCH', `/api/v1/operators/${olga!.id}`, {
      headers: admin,
      body: { active: false },
    });
    expect(deactivated.status).toBe(200);
    // Olga's own customer is told to wait and is offered to Petr at once.
    await own.customer.waitFor(
      (e) =>
        e.name === 'visitor.message' &&
        (e.payload as any).text === 'Please wait, the next available operator will be with you shortly.',
    );
    await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && (e.payload as any).session.id === own.sessionId,
    );
    const returned = await call(app.t.url, 'GET', `/api/v1/sessions/${own.sessionId}`, { headers: admin });
    expect(returned.body.session).toMatchObject({ state: 'offered', participants: [] });
    // The conversation Olga was a guest in goes on with Petr alone.
    await other.waitFor(
      (e) => e.name === 'visitor.message' && (e.payload as any).text === 'Olga left the conversation.',
    );
    const goesOn = await call(app.t.url, 'GET', `/api/v1/sessions/${shared}`, { headers: admin });
    expect(goesOn.body.session.state).toBe('active');
    expect(goesOn.body.session.participants.map((p: { userId: string }) => p.userId)).toEqual([petr!.id]);
  });
});
