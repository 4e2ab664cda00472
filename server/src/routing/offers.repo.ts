import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import { queryText, type Executor } from '../db/database.js';
import { inGivenOrder } from '../db/in-given-order.js';
import { rowFromJson } from '../db/row-from-json.js';
import { sessionEvents, sessionOffers, sessions } from '../db/schema.js';

export type OfferRow = typeof sessionOffers.$inferSelect;

/**
 * Sessions offered, in one statement: each given session's offers (one per user, in the users' order) and its
 * timeline entry, and, with `$2`, its state moved to `offered`. One row per given session, in the given order.
 */
const OFFER_SESSIONS = `
  WITH given AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(n int, session_id uuid, tenant_id uuid, users uuid[])
  ), updated AS (
    UPDATE sessions s SET state = 'offered'
    FROM given g
    -- The sessions by primary key, not a scan of the table joined by hash.
    WHERE $2::boolean AND s.id = ANY (ARRAY(SELECT session_id FROM given)) AND s.id = g.session_id
    RETURNING s.*
  ), entries AS (
    INSERT INTO session_events (tenant_id, session_id, type, actor_kind, actor_user_id, data, created_at)
    SELECT tenant_id, session_id, $3, $4, $5::uuid, jsonb_build_object('to', to_jsonb(users)), $6::timestamptz
    FROM given ORDER BY n
    RETURNING *
  ), offers AS (
    INSERT INTO session_offers (tenant_id, session_id, user_id, kind, from_user_id, created_at, expires_at)
    SELECT g.tenant_id, g.session_id, u.user_id, $7, $5::uuid, $6::timestamptz, $8::timestamptz
    FROM given g, unnest(g.users) WITH ORDINALITY AS u(user_id, k)
    ORDER BY g.n, u.k
    RETURNING *
  )
  SELECT g.n,
    (SELECT to_jsonb(u) FROM updated u WHERE u.id = g.session_id) AS session,
    (SELECT to_jsonb(e) FROM entries e WHERE e.session_id = g.session_id) AS entry,
    (SELECT jsonb_agg(to_jsonb(o)) FROM offers o WHERE o.session_id = g.session_id) AS offers
  FROM given g ORDER BY g.n`;

export interface OffersMade {
  /** The session as it is now: moved to `offered`, or as given when its state was to stay. */
  session: typeof sessions.$inferSelect;
  entry: typeof sessionEvents.$inferSelect;
  /** One per user, in the users' order. */
  offers: OfferRow[];
}

/**
 * Offers each given session to its users: the offers, the session's timeline entry (`offered`, or `transfer_offered`
 * and `conference_offered`, naming the users), and unless `keepState` its state moved to `offered`, for all the
 * sessions in one statement.
 */
export async function insertOffers(
  tx: Executor,
  items: Array<{ session: typeof sessions.$inferSelect; userIds: string[] }>,
  offer: {
    kind: OfferRow['kind'];
    fromUserId: string | null;
    now: Date;
    expiresAt: Date;
    keepState: boolean;
  },
): Promise<OffersMade[]> {
  const given = items.map(({ session, userIds }, n) => ({
    n,
    session_id: session.id,
    tenant_id: session.tenantId,
    users: userIds,
  }));
  const rows = await queryText<{
    n: number;
    session: Record<string, unknown> | null;
    entry: Record<string, unknown>;
    offers: Array<Record<string, unknown>> | null;
  }>(
    tx,
    OFFER_SESSIONS,
    [
      JSON.stringify(given),
      !offer.keepState,
      offer.kind === 'queue' ? 'offered' : `${offer.kind}_offered`,
      offer.fromUserId ? 'operator' : 'system',
      offer.fromUserId,
      offer.now.toISOString(),
      offer.kind,
      offer.expiresAt.toISOString(),
    ],
    { prepareAs: 'offer_sessions' },
  );
  return rows.map((row) => {
    const { session, userIds } = items[row.n]!;
    const offers = (row.offers ?? []).map((json) => rowFromJson(sessionOffers, json));
    return {
      session: row.session ? rowFromJson(sessions, row.session) : session,
      entry: rowFromJson(sessionEvents, row.entry),
      offers: userIds.map((userId) => offers.find((o) => o.userId === userId)!),
    };
  });
}

export async function lockOffer(
  tx: Executor,
  tenantId: string,
  offerId: string,
): Promise<OfferRow | undefined> {
  const [offer] = await tx
    .select()
    .from(sessionOffers)
    .where(and(eq(sessionOffers.id, offerId), eq(sessionOffers.tenantId, tenantId)))
    .for('update');
  return offer;
}

/**
 * Locks these offers and every other pending offer of the tenant whose time is up, these first, then soonest first
 * (at most `limit`, and never fewer than these): what one transaction of offer time-outs handles at once. Small on
 * purpose: the routing lock is held meanwhile, and new customers' dispatches wait for it (200 at once doubled their
 * lock waits in the benchmark; 10 halved them).
 */
export async function lockDueOffers(
  tx: Executor,
  tenantId: string,
  offerIds: string[],
  now: Date,
  limit = 10,
): Promise<OfferRow[]> {
  return tx
    .select()
    .from(sessionOffers)
    .where(
      and(
        eq(sessionOffers.tenantId, tenantId),
        eq(sessionOffers.state, 'pending'),
        or(inArray(sessionOffers.id, offerIds), lte(sessionOffers.expiresAt, now)),
      ),
    )
    .orderBy(
      sql`CASE WHEN ${inArray(sessionOffers.id, offerIds)} THEN 0 ELSE 1 END`,
      asc(sessionOffers.expiresAt),
      asc(sessionOffers.id),
    )
    .limit(Math.max(limit, offerIds.length))
    .for('update');
}

export async function pendingOffersOfSession(tx: Executor, sessionId: string, kind?: OfferRow['kind']) {
  return tx
    .select()
    .from(sessionOffers)
    .where(
      and(
        eq(sessionOffers.sessionId, sessionId),
        eq(sessionOffers.state, 'pending'),
        kind ? eq(sessionOffers.kind, kind) : undefined,
      ),
    );
}

export async function pendingOffersOfUser(tx: Executor, tenantId: string, userId: string) {
  return pendingOffersOfUsers(tx, tenantId, [userId]);
}

/** Users who already let an offer of each session run out or declined it: they are not offered it again. */
export async function usersWhoMissed(tx: Executor, sessionIds: string[]): Promise<Map<string, Set<string>>> {
  const missed = new Map(sessionIds.map((id) => [id, new Set<string>()]));
  if (sessionIds.length === 0) return missed;
  const rows = await tx
    .select({ sessionId: sessionOffers.sessionId, userId: sessionOffers.userId })
    .from(sessionOffers)
    .where(
      and(
        inArray(sessionOffers.sessionId, sessionIds),
        sql`${sessionOffers.state} IN ('expired', 'declined')`,
      ),
    );
  for (const row of rows) missed.get(row.sessionId)?.add(row.userId);
  return missed;
}

/** Resolves a pending offer; false when it was resolved already (withdrawn earlier in the same transaction, say). */
export async function resolveOffer(
  tx: Executor,
  offerId: string,
  state: Exclude<OfferRow['state'], 'pending'>,
  at: Date,
): Promise<boolean> {
  return (await resolveOffers(tx, [offerId], state, at)).length > 0;
}

/**
 * Resolves those of the given offers still pending, in one statement; answers the offers it resolved, in the given
 * order (an offer resolved already, earlier in the same transaction say, is left out).
 */
export async function resolveOffers(
  tx: Executor,
  offerIds: string[],
  state: Exclude<OfferRow['state'], 'pending'>,
  at: Date,
): Promise<OfferRow[]> {
  if (offerIds.length === 0) return [];
  const resolved = await tx
    .update(sessionOffers)
    .set({ state, resolvedAt: at })
    .where(and(inArray(sessionOffers.id, offerIds), eq(sessionOffers.state, 'pending')))
    .returning();
  return inGivenOrder(resolved, offerIds);
}

/** Expires the users' pending queue offers whose time is up, in one statement; answers them, soonest first. */
export async function expireDueQueueOffersOf(
  tx: Executor,
  tenantId: string,
  userIds: string[],
  now: Date,
): Promise<OfferRow[]> {
  if (userIds.length === 0) return [];
  const expired = await tx
    .update(sessionOffers)
    .set({ state: 'expired', resolvedAt: now })
    .where(
      and(
        eq(sessionOffers.tenantId, tenantId),
        inArray(sessionOffers.userId, userIds),
        eq(sessionOffers.state, 'pending'),
        eq(sessionOffers.kind, 'queue'),
        lte(sessionOffers.expiresAt, now),
      ),
    )
    .returning();
  return expired.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.id.localeCompare(b.id));
}

/** The pending offers of several users, in one read. */
export async function pendingOffersOfUsers(tx: Executor, tenantId: string, userIds: string[]) {
  if (userIds.length === 0) return [];
  return tx
    .select()
    .from(sessionOffers)
    .where(
      and(
        eq(sessionOffers.tenantId, tenantId),
        inArray(sessionOffers.userId, userIds),
        eq(sessionOffers.state, 'pending'),
      ),
    )
    .orderBy(asc(sessionOffers.createdAt), asc(sessionOffers.id));
}

/** Which of these sessions still have a pending offer, in one read. */
export async function sessionsWithPendingOffers(tx: Executor, sessionIds: string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const rows = await tx
    .selectDistinct({ sessionId: sessionOffers.sessionId })
    .from(sessionOffers)
    .where(and(inArray(sessionOffers.sessionId, sessionIds), eq(sessionOffers.state, 'pending')));
  return new Set(rows.map((row) => row.sessionId));
}
