import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { operatorPresence, sessionOffers, sessions } from '../db/schema.js';
import { call } from '../../test/factories.js';
import { useEngineTestApp } from '../../test/engine-setup.js';
import { startWebchat } from '../../test/webchat-client.js';
import { sleep } from '../../test/socket-client.js';

const app = useEngineTestApp();

describe('offers nobody answers', () => {
  it('expire together: one time-out also expires every other offer of the tenant whose time is up', async () => {
    const f = await app.fixture({ capacity: 1 });
    const [olga, petr] = f.tenant.operators;
    await call(app.t.url, 'PUT', `/api/v1/groups/${f.tenant.groupA}/members`, {
      headers: f.sessions.admin!.headers,
      body: { members: [{ userId: olga!.id }, { userId: petr!.id }] },
    });
    await f.available('olga');
    await f.available('petr');
    await startWebchat(app.t.url, f.key, { question: 'First' });
    await startWebchat(app.t.url, f.key, { question: 'Second' });
    await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    await f.sockets.petr!.waitFor((e) => e.name === 'offer.created');
    const offers = await app.t.database.db
      .select()
      .from(sessionOffers)
      .where(and(eq(sessionOffers.tenantId, f.tenant.id), eq(sessionOffers.state, 'pending')));
    expect(offers).toHaveLength(2);
    // Petr's timer is lost (as if its job had been dropped): Olga's time-out must expire his offer too.
    const petrsOffer = offers.find((o) => o.userId === petr!.id)!;
    await app.t.database.query(
      `DELETE FROM pgboss.job WHERE name = 'offer-timeout' AND data->>'offerId' = $1`,
      [petrsOffer.id],
    );

    await app.t.advance(31_000);
    await f.sockets.petr!.waitFor((e) => e.name === 'offer.closed', 10_000);
    const after = await app.t.database.db
      .select({ state: sessionOffers.state, resolvedAt: sessionOffers.resolvedAt })
      .from(sessionOffers)
      .where(
        inArray(
          sessionOffers.id,
          offers.map((o) => o.id),
        ),
      );
    expect(after.map((o) => o.state)).toEqual(['expired', 'expired']);
    const presence = await app.t.database.db
      .select({ status: operatorPresence.status })
      .from(operatorPresence)
      .where(inArray(operatorPresence.userId, [olga!.id, petr!.id]));
    expect(presence.map((p) => p.status)).toEqual(['rona', 'rona']);
    // Both sessions are back in the queue, and nobody in rona is offered anything.
    const waiting = await app.t.database.db
      .select({ state: sessions.state })
      .from(sessions)
      .where(eq(sessions.channelAccountId, f.channelAccountId));
    expect(waiting.map((s) => s.state)).toEqual(['waiting', 'waiting']);
    const [{ pending }] = (
      await app.t.database.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM session_offers WHERE tenant_id = $1 AND state = 'pending'`,
        [f.tenant.id],
      )
    ).rows as [{ pending: number }];
    expect(pending).toBe(0);
  });

  it('time out in a burst: each offer is closed once, and every session is back in the queue', async () => {
    const f = await app.fixture({ capacity: 12 });
    await f.available('olga');
    for (let i = 0; i < 12; i++) await startWebchat(app.t.url, f.key, { question: `Question ${i}` });
    const pendingOffers = async () =>
      (
        await app.t.database.query<{ pending: number }>(
          `SELECT count(*)::int AS pending FROM session_offers WHERE tenant_id = $1 AND state = 'pending'`,
          [f.tenant.id],
        )
      ).rows[0]!.pending;
    await expect.poll(pendingOffers, { timeout: 10_000 }).toBe(12);

    // More time-outs due at once than one transaction expires: a fetched batch takes them in turn.
    await app.t.advance(31_000);
    await expect.poll(pendingOffers, { timeout: 10_000 }).toBe(0);
    const closed = () => f.sockets.olga!.events.filter((e) => e.name === 'offer.closed');
    await expect.poll(() => closed().length, { timeout: 5_000 }).toBe(12);
    // Every one of them ran out: each expires once (none also withdrawn as her first time-out makes her `rona`).
    const reasons = closed().map((e) => (e.payload as { offerId: string; reason: string }).reason);
    expect(reasons).toEqual(Array(12).fill('expired'));
    expect(new Set(closed().map((e) => (e.payload as { offerId: string }).offerId)).size).toBe(12);
    const states = await app.t.database.db
      .select({ state: sessions.state })
      .from(sessions)
      .where(eq(sessions.channelAccountId, f.channelAccountId));
    expect(states.map((s) => s.state)).toEqual(Array(12).fill('waiting'));
    const [presence] = await app.t.database.db
      .select({ status: operatorPresence.status })
      .from(operatorPresence)
      .where(eq(operatorPresence.userId, f.tenant.operators[0]!.id));
    expect(presence!.status).toBe('rona');
    const { rows } = await app.t.database.query<{ expired: number }>(
      `SELECT count(*)::int AS expired FROM session_events e JOIN sessions s ON s.id = e.session_id
       WHERE s.channel_account_id = $1 AND e.type = 'offer_expired'`,
      [f.channelAccountId],
    );
    expect(rows[0]!.expired).toBe(12);
    const rona = f.sockets.olga!.events.filter(
      (e) => e.name === 'presence.changed' && (e.payload as { status: string }).status === 'rona',
    );
    expect(rona).toHaveLength(1);
  });

  it('expire every offer of an operator whose time is up, and hand back the rest', async () => {
    const f = await app.fixture({ capacity: 3 });
    const olga = f.tenant.operators[0]!;
    await f.available('olga');
    await startWebchat(app.t.url, f.key, { question: 'First' });
    await startWebchat(app.t.url, f.key, { question: 'Second' });
    await expect.poll(() => f.sockets.olga!.events.filter((e) => e.name === 'offer.created').length).toBe(2);
    await app.t.advance(20_000);
    await startWebchat(app.t.url, f.key, { question: 'Third' });
    await expect.poll(() => f.sockets.olga!.events.filter((e) => e.name === 'offer.created').length).toBe(3);
    const offerOf = new Map(
      f.sockets
        .olga!.events.filter((e) => e.name === 'offer.created')
        .map((e) => {
          const offer = e.payload as { id: string; session: { lastMessage: { text: string } | null } };
          return [offer.session.lastMessage!.text, offer.id] as const;
        }),
    );

    // The first two run out together; the third has 20 s left.
    await app.t.advance(11_000);
    const closed = () =>
      new Map(
        f.sockets
          .olga!.events.filter((e) => e.name === 'offer.closed')
          .map((e) => {
            const { offerId, reason } = e.payload as { offerId: string; reason: string };
            return [offerId, reason] as const;
          }),
      );
    await expect.poll(() => closed().size, { timeout: 10_000 }).toBe(3);
    expect(closed()).toEqual(
      new Map([
        [offerOf.get('First')!, 'expired'],
        [offerOf.get('Second')!, 'expired'],
        [offerOf.get('Third')!, 'withdrawn'],
      ]),
    );
    expect(
      f.sockets.olga!.events.filter(
        (e) =>
          e.name === 'presence.changed' &&
          (e.payload as { userId: string }).userId === olga.id &&
          (e.payload as { status: string }).status === 'rona',
      ),
    ).toHaveLength(1);

    // Each missed offer is on the timeline (and counts against her when the session is offered again); all three
    // sessions are back in the queue.
    const { rows } = await app.t.database.query<{ type: string }>(
      `SELECT e.type FROM session_events e JOIN sessions s ON s.id = e.session_id
       WHERE s.channel_account_id = $1 AND e.type = 'offer_expired'`,
      [f.channelAccountId],
    );
    expect(rows).toHaveLength(2);
    const states = await app.t.database.db
      .select({ state: sessions.state })
      .from(sessions)
      .where(eq(sessions.channelAccountId, f.channelAccountId));
    expect(states.map((s) => s.state)).toEqual(['waiting', 'waiting', 'waiting']);
  });

  it('offer sessions again only after all of them are expired, not to an operator whose own offer is expiring', async () => {
    const f = await app.fixture({ capacity: 2 });
    const [olga, petr] = f.tenant.operators;
    await call(app.t.url, 'PUT', `/api/v1/groups/${f.tenant.groupA}/members`, {
      headers: f.sessions.admin!.headers,
      body: {
        members: [
          { userId: olga!.id, capacity: 2 },
          { userId: petr!.id, capacity: 5 },
        ],
      },
    });
    // Olga is offered the first two; Petr, available after, the third.
    await f.available('olga');
    await startWebchat(app.t.url, f.key, { question: 'First' });
    await startWebchat(app.t.url, f.key, { question: 'Second' });
    await expect.poll(() => f.sockets.olga!.events.filter((e) => e.name === 'offer.created').length).toBe(2);
    await f.available('petr');
    await startWebchat(app.t.url, f.key, { question: 'Third' });
    await f.sockets.petr!.waitFor((e) => e.name === 'offer.created');

    // All three time out together. Olga's first makes her rona and hands back her second; none of that is
    // offered to Petr, whose own offer is expiring in the same moment.
    await app.t.advance(31_000);
    await f.sockets.petr!.waitFor(
      (e) =>
        e.name === 'presence.changed' &&
        (e.payload as { status: string }).status === 'rona' &&
        (e.payload as { userId: string }).userId === petr!.id,
      10_000,
    );
    await sleep(300);
    expect(f.sockets.petr!.events.filter((e) => e.name === 'offer.created')).toHaveLength(1);
    const states = await app.t.database.db
      .select({ state: sessions.state })
      .from(sessions)
      .where(eq(sessions.channelAccountId, f.channelAccountId));
    expect(states.map((s) => s.state)).toEqual(['waiting', 'waiting', 'waiting']);
  });
});
