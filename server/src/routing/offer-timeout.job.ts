import { Type } from 'typebox';
import type { Tx } from '../db/database.js';
import { defineJob } from '../jobs/job-definition.js';
import { firedEarly } from '../jobs/timers.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import { announceSession, recordTimeline } from '../sessions/announce.js';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { sendSystemMessage } from '../sessions/send-system-message.js';
import { lockSession, updateSession } from '../sessions/sessions.repo.js';
import { setPresenceInTransaction } from '../operators/set-presence.js';
import { dispatchGroup } from './dispatch.js';
import { lockDueOffers, pendingOffersOfSession, resolveOffer, type OfferRow } from './offers.repo.js';
import { lockTenantRouting } from './routing-lock.js';

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

/** Expires these offers (those still pending) and others of the tenant whose time is up, then offers again. */
async function expireDueOffers(deps: EngineDeps, tenantId: string, offerIds: string[]): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, tenantId);
    const now = deps.now();
    const due = await lockDueOffers(tx, tenantId, offerIds, now, OFFERS_PER_TRANSACTION);
    // Every group a session went back to, dispatched once when all are expired: not once per operator made
    // `rona`, in the middle, offering sessions to operators whose own offers are about to expire.
    const groups = new Set<string>();
    for (const offer of due) await expireOffer(tx, deps, offer, now, groups);
    for (const groupId of groups) await dispatchGroup(tx, deps, tenantId, groupId);
  });
}

/** Expires one locked offer if still pending; adds the groups to dispatch afterwards to `groups`. */
async function expireOffer(
  tx: Tx,
  deps: EngineDeps,
  offer: OfferRow,
  now: Date,
  groups: Set<string>,
): Promise<void> {
  // One operator's first time-out makes them `rona`, which withdraws their other offers, locked here too.
  if (!(await resolveOffer(tx, offer.id, 'expired', now))) return;
  await recordEvent(tx, offer.tenantId, 'offer.closed', [rooms.operator(offer.userId)], {
    offerId: offer.id,
    sessionId: offer.sessionId,
    reason: 'expired',
  });
  const session = (await lockSession(tx, offer.tenantId, offer.sessionId))!;
  await recordTimeline(tx, session, {
    type: `${offer.kind === 'queue' ? '' : `${offer.kind}_`}offer_expired`,
    actorKind: 'system',
    data: { userId: offer.userId },
    at: now,
  });
  if (offer.kind === 'conference') return;
  await setPresenceInTransaction(tx, deps, offer.tenantId, offer.userId, 'rona', null, groups);
  if (session.state !== 'offered') return;
  if ((await pendingOffersOfSession(tx, session.id)).length > 0) return;
  let waiting;
  if (offer.kind === 'transfer') {
    // Back to the group's queue ahead of everyone: never dropped, never behind newer customers.
    waiting = await updateSession(tx, session.id, { state: 'waiting', priority: session.priority + 10 });
    await sendSystemMessage(tx, deps, waiting, 'transfer_returned');
  } else {
    waiting = await updateSession(tx, session.id, { state: 'waiting' });
  }
  await announceSession(tx, deps, waiting, [offer.userId]);
  if (waiting.groupId) groups.add(waiting.groupId);
}
