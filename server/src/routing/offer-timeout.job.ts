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

/**
 * An offer nobody accepted in time. The operator becomes `rona` (no more offers until they are available
 * again) and the session goes to the next operator; a transfer to an operator goes back to the group's queue,
 * at the front. A conference invitation simply lapses.
 *
 * One time-out also expires every other offer of its tenant whose time is up, in the same transaction, and
 * dispatches each group once afterwards: a burst of unanswered offers takes the tenant's routing lock once instead
 * of once per offer (their own jobs then find nothing pending), and an offer whose timer was lost still expires.
 */
export const offerTimeout = defineJob({
  name: 'offer-timeout',
  payload: Type.Object({ tenantId: Type.String(), offerId: Type.String(), dueAt: Type.String() }),
  retry: { limit: 5, delaySeconds: 1, backoff: true },
  async handle(deps: EngineDeps, payload) {
    if (await firedEarly(deps, offerTimeout as never, payload)) return;
    await deps.database.db.transaction(async (tx) => {
      await lockTenantRouting(tx, payload.tenantId);
      const now = deps.now();
      const due = await lockDueOffers(tx, payload.tenantId, payload.offerId, now);
      const groups = new Set<string>();
      for (const offer of due) {
        const groupId = await expireOffer(tx, deps, offer, now);
        if (groupId) groups.add(groupId);
      }
      for (const groupId of groups) await dispatchGroup(tx, deps, payload.tenantId, groupId);
    });
  },
});

/** Expires one locked, pending offer; answers the group to dispatch when its session went back to waiting. */
async function expireOffer(
  tx: Tx,
  deps: EngineDeps,
  offer: OfferRow,
  now: Date,
): Promise<string | null | undefined> {
  await resolveOffer(tx, offer.id, 'expired', now);
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
  if (offer.kind === 'conference') return undefined;
  await setPresenceInTransaction(tx, deps, offer.tenantId, offer.userId, 'rona', null);
  if (session.state !== 'offered') return undefined;
  if ((await pendingOffersOfSession(tx, session.id)).length > 0) return undefined;
  let waiting;
  if (offer.kind === 'transfer') {
    // Back to the group's queue ahead of everyone: never dropped, never behind newer customers.
    waiting = await updateSession(tx, session.id, { state: 'waiting', priority: session.priority + 10 });
    await sendSystemMessage(tx, deps, waiting, 'transfer_returned');
  } else {
    waiting = await updateSession(tx, session.id, { state: 'waiting' });
  }
  await announceSession(tx, deps, waiting, [offer.userId]);
  return waiting.groupId;
}
