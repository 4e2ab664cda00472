import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { groups } from '../db/schema.js';
import { setTimer } from '../jobs/timers.js';
import { announceOffered } from '../sessions/announce.js';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { sessionViews } from '../sessions/session-view.js';
import { lastOwnerOfContact, waitingSessions, type SessionRow } from '../sessions/sessions.repo.js';
import { offerTimeout } from './offer-timeout.job.js';
import { insertOffers, usersWhoMissed } from './offers.repo.js';
import { groupOperatorLoads, type OperatorLoad } from './operator-load.js';

type Deps = Pick<EngineDeps, 'jobs' | 'now' | 'channels'>;

/** Lowest utilisation first; ties go to the operator idle longest (never idle counts as longest). */
export function byUtilisation(a: OperatorLoad, b: OperatorLoad): number {
  const diff = a.load / a.capacity - b.load / b.capacity;
  if (diff !== 0) return diff;
  const idleA = a.idleSince?.getTime() ?? 0;
  const idleB = b.idleSince?.getTime() ?? 0;
  return idleA - idleB || a.name.localeCompare(b.name);
}

/**
 * Offers a group's waiting sessions to its available operators, first come first served with priority.
 * The caller holds the tenant's routing lock, so loads read here stay true until commit.
 */
export async function dispatchGroup(
  tx: Executor,
  deps: Deps,
  tenantId: string,
  groupId: string,
): Promise<void> {
  const [group] = await tx
    .select()
    .from(groups)
    .where(and(eq(groups.id, groupId), eq(groups.tenantId, tenantId)));
  if (!group) return;
  const operators = await groupOperatorLoads(tx, tenantId, groupId, { availableOnly: true });
  // No session can take more offers than the free places: a long queue behind busy operators is not read.
  const places = operators.reduce((sum, o) => sum + Math.max(0, o.capacity - o.load), 0);
  if (places === 0) return;
  const waiting = await waitingSessions(tx, tenantId, groupId, places);
  const missedBy = await usersWhoMissed(
    tx,
    waiting.map((session) => session.id),
  );
  const offers: Array<{ session: SessionRow; operators: OperatorLoad[] }> = [];
  for (const session of waiting) {
    const free = operators.filter((o) => o.load < o.capacity);
    if (free.length === 0) break;
    // Those who let this session's offer run out come last, but are not skipped for ever: a session is never
    // stranded because everyone free has missed it once.
    const missed = missedBy.get(session.id)!;
    const fresh = free.filter((o) => !missed.has(o.userId));
    const candidates = fresh.length ? fresh : free;
    let chosen: OperatorLoad[];
    if (group.routingMode === 'whole_group') {
      chosen = candidates;
    } else {
      const sticky = group.sticky ? await lastOwnerOfContact(tx, tenantId, session.contactId) : undefined;
      chosen = [candidates.find((o) => o.userId === sticky) ?? [...candidates].sort(byUtilisation)[0]!];
    }
    offers.push({ session, operators: chosen });
    for (const operator of chosen) operator.load += 1;
  }
  // Every session chosen for is offered in one statement, and their views read once.
  await offerSessions(tx, deps, offers, 'queue', group.offerTimeoutSeconds);
}

/** Creates offers of a session to operators, moves it to `offered` when it was waiting, and sets the timeout. */
export async function offerSession(
  tx: Executor,
  deps: Deps,
  session: SessionRow,
  operators: Array<{ userId: string }>,
  kind: 'queue' | 'transfer' | 'conference',
  timeoutSeconds: number,
  fromUserId: string | null = null,
): Promise<void> {
  await offerSessions(tx, deps, [{ session, operators }], kind, timeoutSeconds, fromUserId);
}

/**
 * `offerSession` for several sessions of one tenant at once: their offers, timeline entries and states in one
 * statement, a time-out per offer, and one read of their views for the announcements.
 */
async function offerSessions(
  tx: Executor,
  deps: Deps,
  items: Array<{ session: SessionRow; operators: Array<{ userId: string }> }>,
  kind: 'queue' | 'transfer' | 'conference',
  timeoutSeconds: number,
  fromUserId: string | null = null,
): Promise<void> {
  if (items.length === 0) return;
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + timeoutSeconds * 1000);
  const made = await insertOffers(
    tx,
    items.map(({ session, operators }) => ({ session, userIds: operators.map((o) => o.userId) })),
    { kind, fromUserId, now, expiresAt, keepState: kind === 'conference' },
  );
  const views = await sessionViews(
    tx,
    items[0]!.session.tenantId,
    made.map(({ session }) => session.id),
    deps,
  );
  const viewOf = new Map(views.map((view) => [view.id, view]));
  for (const { session, entry, offers } of made) {
    for (const offer of offers)
      await setTimer(deps, offerTimeout, { tenantId: session.tenantId, offerId: offer.id }, expiresAt, tx);
    await announceOffered(
      tx,
      deps,
      session,
      entry,
      offers.map((offer) => ({
        userId: offer.userId,
        offer: { id: offer.id, sessionId: session.id, kind, expiresAt: expiresAt.toISOString(), fromUserId },
      })),
      kind !== 'conference',
      viewOf.get(session.id)!,
    );
  }
}
