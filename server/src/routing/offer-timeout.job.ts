import { Type } from 'typebox';
import { defineJob } from '../jobs/job-definition.js';
import { firedEarly } from '../jobs/timers.js';
import { recordEvents } from '../realtime/record-event.js';
import { recordTimelines } from '../sessions/announce.js';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { lockSessions } from '../sessions/sessions.repo.js';
import { leaveInTransaction } from '../operators/set-presence.js';
import { dispatchGroup } from './dispatch.js';
import { expireDueQueueOffersOf, lockDueOffers, resolveOffers } from './offers.repo.js';
import { lockTenantRouting } from './routing-lock.js';
import { offersClosed, requeueSessions } from './withdraw-offers.js';

/** Offers one transaction expires at most, besides its own: the tenant's routing lock is held meanwhile. */
const OFFERS_PER_TRANSACTION = 10;

/**
 * An offer nobody accepted in time. The operator becomes `rona` (no more offers until they are available
 * again) and the session goes to the next operator; a transfer to an operator goes back to the group's queue,
 * at the front. A conference invitation simply lapses.
 *
 * One time-out also expires every other offer of its tenant whose time is up, in the same transaction, and
 * dispatches each group once afterwards: a burst of unanswered offers takes the tenant's routing lock a few times
 * instead of once per offer (their own jobs then find nothing pending), and an offer whose timer was lost still
 * expires. A fetched batch of time-outs runs a tenant's in short transactions one after another, not side by side:
 * twenty handlers each holding a connection while they waited for the same lock emptied the pool that storing
 * customers' messages needs.
 */
export const offerTimeout = defineJob({
  name: 'offer-timeout',
  payload: Type.Object({ tenantId: Type.String(), offerId: Type.String(), dueAt: Type.String() }),
  retry: { limit: 5, delaySeconds: 1, backoff: true },
  async handle(deps: EngineDeps, payload) {
    if (await firedEarly(deps, offerTimeout as never, payload)) return;
    await expireDueOffers(deps, payload.tenantId, [payload.offerId]);
  },
  async handleBatch(deps: EngineDeps, jobs) {
    const results: PromiseSettledResult<void>[] = jobs.map(() => ({ status: 'fulfilled', value: undefined }));
    const byTenant = new Map<string, number[]>();
    for (const [index, { payload }] of jobs.entries()) {
      try {
        if (await firedEarly(deps, offerTimeout as never, payload)) continue;
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
        continue;
      }
      const indexes = byTenant.get(payload.tenantId) ?? [];
      indexes.push(index);
      byTenant.set(payload.tenantId, indexes);
    }
    await Promise.all(
      [...byTenant].map(async ([tenantId, indexes]) => {
        for (let at = 0; at < indexes.length; at += OFFERS_PER_TRANSACTION) {
          const chunk = indexes.slice(at, at + OFFERS_PER_TRANSACTION);
          try {
            await expireDueOffers(
              deps,
              tenantId,
              chunk.map((index) => jobs[index]!.payload.offerId),
            );
          } catch (reason) {
            for (const index of chunk) results[index] = { status: 'rejected', reason };
          }
        }
      }),
    );
    return results;
  },
});

/**
 * Expires these offers (those still pending) and others of the tenant whose time is up, then offers again, in a
 * handful of statements however many there are. An operator who let an offer run out becomes `rona` once: every
 * queue offer of theirs whose time is up expires with it (each one missed, none offered to them again), and the
 * rest are handed back.
 */
async function expireDueOffers(deps: EngineDeps, tenantId: string, offerIds: string[]): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, tenantId);
    const now = deps.now();
    const due = await lockDueOffers(tx, tenantId, offerIds, now, OFFERS_PER_TRANSACTION);
    const expired = await resolveOffers(
      tx,
      due.map((offer) => offer.id),
      'expired',
      now,
    );
    const leaving = [
      ...new Set(expired.filter((offer) => offer.kind !== 'conference').map((offer) => offer.userId)),
    ];
    // Those just expired are no longer pending: this finds only the leaving operators' other due offers.
    expired.push(...(await expireDueQueueOffersOf(tx, tenantId, leaving, now)));
    if (expired.length === 0) return;
    await recordEvents(tx, tenantId, offersClosed(expired, 'expired'));
    const sessionsById = await lockSessions(tx, tenantId, [
      ...new Set(expired.map((offer) => offer.sessionId)),
    ]);
    await recordTimelines(
      tx,
      expired.map((offer) => ({
        session: sessionsById.get(offer.sessionId)!,
        type: `${offer.kind === 'queue' ? '' : `${offer.kind}_`}offer_expired`,
        actorKind: 'system' as const,
        data: { userId: offer.userId },
        at: now,
      })),
    );
    // Every group a session went back to, dispatched once when all are expired: not once per operator made
    // `rona`, in the middle, offering sessions to operators whose own offers are about to expire.
    const groups = new Set<string>();
    await leaveInTransaction(tx, deps, tenantId, leaving, 'rona', null, groups);
    await requeueSessions(tx, deps, tenantId, expired, groups, true);
    for (const groupId of groups) await dispatchGroup(tx, deps, tenantId, groupId);
  });
}
