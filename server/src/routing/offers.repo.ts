import { and, asc, eq, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { sessionOffers } from '../db/schema.js';

export type OfferRow = typeof sessionOffers.$inferSelect;

export async function insertOffer(tx: Executor, row: typeof sessionOffers.$inferInsert): Promise<OfferRow> {
  const [offer] = await tx.insert(sessionOffers).values(row).returning();
  return offer!;
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
 * Locks this offer and every other pending offer of the tenant whose time is up, soonest first (at most `limit`):
 * what one offer time-out handles at once. Small on purpose: the routing lock is held meanwhile, and new
 * customers' dispatches wait for it (200 at once doubled their lock waits in the benchmark; 10 halved them).
 */
export async function lockDueOffers(
  tx: Executor,
  tenantId: string,
  offerId: string,
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
        or(eq(sessionOffers.id, offerId), lte(sessionOffers.expiresAt, now)),
      ),
    )
    .orderBy(asc(sessionOffers.expiresAt), asc(sessionOffers.id))
    .limit(limit)
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
  return tx
    .select()
    .from(sessionOffers)
    .where(
      and(
        eq(sessionOffers.tenantId, tenantId),
        eq(sessionOffers.userId, userId),
        eq(sessionOffers.state, 'pending'),
      ),
    );
}

/** Users who already let an offer of this session run out: they are not offered it again. */
export async function usersWhoMissed(tx: Executor, sessionId: string): Promise<Set<string>> {
  const rows = await tx
    .select({ userId: sessionOffers.userId })
    .from(sessionOffers)
    .where(
      and(eq(sessionOffers.sessionId, sessionId), sql`${sessionOffers.state} IN ('expired', 'declined')`),
    );
  return new Set(rows.map((r) => r.userId));
}

export async function resolveOffer(
  tx: Executor,
  offerId: string,
  state: Exclude<OfferRow['state'], 'pending'>,
  at: Date,
) {
  await tx.update(sessionOffers).set({ state, resolvedAt: at }).where(eq(sessionOffers.id, offerId));
}
