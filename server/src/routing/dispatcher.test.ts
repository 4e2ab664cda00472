import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { groupMembers, groups, sessionEvents, sessionOffers, sessions } from '../db/schema.js';
import { queryRows } from '../db/database.js';
import type { OfferSummary } from '../realtime/event-map.js';
import { useEngineTestApp } from '../../test/engine-setup.js';
import { createTestSession } from '../../test/session-factory.js';
import { sleep } from '../../test/socket-client.js';
import { startWebchat } from '../../test/webchat-client.js';
import { dispatchWaiting } from './dispatch-waiting.job.js';
import { createDispatcher } from './dispatcher.js';

const app = useEngineTestApp();

const offersOf = (sessionIds: string[]) =>
  app.t.database.db
    .select()
    .from(sessionOffers)
    .where(and(inArray(sessionOffers.sessionId, sessionIds), eq(sessionOffers.state, 'pending')));

const sessionIdsOf = async (channelAccountId: string) =>
  (
    await app.t.database.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(eq(sessions.channelAccountId, channelAccountId))
  ).map((s) => s.id);

describe('offering new sessions after they are stored', () => {
  it('offers first messages that arrive together once each, never past capacity', async () => {
    const f = await app.fixture({ capacity: 3 });
    await f.available('olga');
    const customers = await Promise.all(
      Array.from({ length: 7 }, (_, i) => startWebchat(app.t.url, f.key, { question: `Question ${i}` })),
    );
    await expect.poll(async () => (await offersOf(await sessionIdsOf(f.channelAccountId))).length).toBe(3);
    await sleep(300);
    const stored = await app.t.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.channelAccountId, f.channelAccountId));
    expect(stored).toHaveLength(customers.length);
    const offers = await offersOf(stored.map((s) => s.id));
    expect(offers).toHaveLength(3);
    expect(new Set(offers.map((o) => o.sessionId)).size).toBe(3);
    expect(offers.every((o) => o.userId === f.tenant.operators[0]!.id)).toBe(true);
    expect(stored.filter((s) => s.state === 'offered')).toHaveLength(3);
    expect(stored.filter((s) => s.state === 'waiting')).toHaveLength(4);
  });

  it('dispatches what is asked for at one moment in one transaction', async () => {
    const f = await app.fixture();
    // When each dispatch's transaction began.
    const transactions: number[] = [];
    const { database } = app.t.engine;
    const db = Object.create(database.db) as typeof database.db;
    db.transaction = ((...args: Parameters<typeof database.db.transaction>) => {
      transactions.push(Date.now());
      return database.db.transaction(...args);
    }) as typeof database.db.transaction;
    // A long pace, so that the requests below fall within it however slow the machine.
    const dispatcher = createDispatcher({ ...app.t.engine, database: { ...database, db } }, console, {
      paceMs: 400,
    });
    await Promise.all(
      [f.tenant.groupA, f.tenant.groupB, f.tenant.groupA].map((group) =>
        dispatcher.request(f.tenant.id, group),
      ),
    );
    expect(transactions).toHaveLength(1);
    // A request after that run has its own.
    await dispatcher.request(f.tenant.id, f.tenant.groupA);
    expect(transactions).toHaveLength(2);
    // Right after a run, the next waits a moment, and what is asked for meanwhile shares it: under load, a burst of
    // first messages stored by several transactions is offered by one routing transaction, not one each.
    const asked = [dispatcher.request(f.tenant.id, f.tenant.groupA)];
    for (const group of [f.tenant.groupB, f.tenant.groupA]) {
      await sleep(10);
      asked.push(dispatcher.request(f.tenant.id, group));
    }
    await Promise.all(asked);
    expect(transactions).toHaveLength(3);
    expect(transactions[2]! - transactions[1]!).toBeGreaterThanOrEqual(395);
  });

  it('offers the sessions of one dispatch together, each as it would be offered alone', async () => {
    const f = await app.fixture({ capacity: 3 });
    const olga = f.tenant.operators[0]!;
    const petr = f.tenant.operators[1]!;
    // Group B offers to its whole group, which Olga joins beside Petr.
    await app.t.database.db
      .update(groups)
      .set({ routingMode: 'whole_group' })
      .where(eq(groups.id, f.tenant.groupB));
    await app.t.database.db
      .insert(groupMembers)
      .values({ tenantId: f.tenant.id, groupId: f.tenant.groupB, userId: olga.id });
    await f.available('olga');
    await f.available('petr');
    // Stored and committed without a dispatch, so that one sweep offers all three at once.
    const queued = [];
    for (const groupId of [f.tenant.groupA, f.tenant.groupA, f.tenant.groupB])
      queued.push(
        await createTestSession(app.t.database, f.tenant, { groupId, channelAccountId: f.channelAccountId }),
      );
    await dispatchWaiting.handle(app.t.engine, {}, { id: 'sweep', retryCount: 0 });

    const ids = queued.map((s) => s.id);
    const stored = await app.t.database.db.select().from(sessions).where(inArray(sessions.id, ids));
    expect(stored.map((s) => s.state)).toEqual(['offered', 'offered', 'offered']);
    const offers = await offersOf(ids);
    const expected = [[olga.id], [olga.id], [olga.id, petr.id]];
    for (const [index, session] of queued.entries()) {
      const own = offers.filter((o) => o.sessionId === session.id);
      expect(own.map((o) => o.userId).sort()).toEqual([...expected[index]!].sort());
      for (const offer of own) {
        expect(offer.kind).toBe('queue');
        expect(offer.expiresAt.getTime() - offer.createdAt.getTime()).toBe(30_000);
      }
      const timeline = await app.t.database.db
        .select()
        .from(sessionEvents)
        .where(eq(sessionEvents.sessionId, session.id))
        .orderBy(asc(sessionEvents.id));
      const offered = timeline.filter((entry) => entry.type === 'offered');
      expect(offered).toHaveLength(1);
      expect(offered[0]!.actorKind).toBe('system');
      expect((offered[0]!.data.to as string[]).sort()).toEqual([...expected[index]!].sort());
    }
    // Every offer has its time-out.
    const timers = await queryRows<{ offer_id: string }>(
      app.t.database.db,
      sql`SELECT data->>'offerId' AS offer_id FROM pgboss.job WHERE name = 'offer-timeout'`,
    );
    const timed = new Set(timers.map((row) => row.offer_id));
    expect(offers.every((o) => timed.has(o.id))).toBe(true);
    // Each operator is told of each offer, with the session as it now is.
    for (const [name, user] of [
      ['olga', olga],
      ['petr', petr],
    ] as const) {
      const mine = offers.filter((o) => o.userId === user.id);
      for (const offer of mine) {
        const event = await f.sockets[name]!.waitFor(
          (e) => e.name === 'offer.created' && (e.payload as OfferSummary).id === offer.id,
        );
        const payload = event.payload as OfferSummary;
        expect(payload.sessionId).toBe(offer.sessionId);
        expect(payload.session.id).toBe(offer.sessionId);
        expect(payload.session.state).toBe('offered');
        expect(payload.expiresAt).toBe(offer.expiresAt.toISOString());
      }
    }
  });

  it('offers a session whose process ended before its dispatch on the next sweep', async () => {
    const f = await app.fixture();
    await f.available('olga');
    // Stored and committed, but never dispatched: what a process leaves when it dies between the two.
    const stranded = await createTestSession(app.t.database, f.tenant, {
      groupId: f.tenant.groupA,
      channelAccountId: f.channelAccountId,
      messages: ['Anyone there?'],
    });
    // Stored, nothing offered it (the scheduled sweep could, once a minute: the same code as below).
    const [waiting] = await app.t.database.db.select().from(sessions).where(eq(sessions.id, stranded.id));
    expect(waiting!.state).toBe('waiting');

    await dispatchWaiting.handle(app.t.engine, {}, { id: 'sweep', retryCount: 0 });
    const offer = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    expect((offer.payload as { sessionId: string }).sessionId).toBe(stranded.id);
    const [row] = await app.t.database.db.select().from(sessions).where(eq(sessions.id, stranded.id));
    expect(row!.state).toBe('offered');
  });
});
