import { describe, expect, it } from 'vitest';
import { call } from '../../test/factories.js';
import { useEngineTestApp } from '../../test/engine-setup.js';
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

    const deactivated = await call(app.t.url, 'PATCH', `/api/v1/operators/${olga!.id}`, {
      headers: f.sessions.admin!.headers,
      body: { active: false },
    });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toMatchObject({ active: false, presence: 'offline' });
    await f.sockets.petr!.waitFor((e) => e.name === 'offer.created');
    const me = await call(app.t.url, 'GET', '/api/v1/auth/me', { headers: f.sessions.olga!.headers });
    expect(me.status).toBe(401);
  });
});
