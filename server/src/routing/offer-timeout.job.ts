import { Type } from 'typebox';
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
import { lockOffer, pendingOffersOfSession, resolveOffer } from './offers.repo.js';
import { lockTenantRouting } from './routing-lock.js';

/**
 * An offer nobody accepted in time. The operator becomes `rona` (no more offers until they are available
 * again) and the session goes to the next operator; a transfer to an operator goes back to the group's queue,
 * at the front. A conference invitation simply lapses.
 */
export const offerTimeout = defineJob({
  name: 'offer-timeout',
  payload: Type.Object({ tenantId: Type.String(), offerId: Type.String(), dueAt: Type.String() }),
  retry: { limit: 5, delaySeconds: 1, backoff: true },
  async handle(deps: EngineDeps, payload) {
    if (await firedEarly(deps, offerTimeout as never, payload)) return;
    await deps.database.db.transaction(async (tx) => {
      await lockTenantRouting(tx, payload.tenantId);
      const offer = await lockOffer(tx, payload.tenantId, payload.offerId);
      if (!offer || offer.state !== 'pending') return;
      const now = deps.now();
      await resolveOffer(tx, offer.id, 'expired', now);
      await recordEvent(tx, payload.tenantId, 'offer.closed', [rooms.operator(offer.userId)], {
        offerId: offer.id,
        sessionId: offer.sessionId,
        reason: 'expired',
      });
      const session = (await lockSession(tx, payload.tenantId, offer.sessionId))!;
      await recordTimeline(tx, session, {
        type: `${offer.kind === 'queue' ? '' : `${offer.kind}_`}offer_expired`,
        actorKind: 'system',
        data: { userId: offer.userId },
        at: now,
      });
      if (offer.kind === 'conference') return;
      await setPresenceInTransaction(tx, deps, payload.tenantId, offer.userId, 'rona', null);
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
      if (waiting.groupId) await dispatchGroup(tx, deps, payload.tenantId, waiting.groupId);
    });
  },
});
