import type { Actor } from '../auth/actor.js';
import { AppError } from '../http/app-error.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import { lockOffer, pendingOffersOfSession, resolveOffer } from '../routing/offers.repo.js';
import { operatorLoad } from '../routing/operator-load.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { withdrawOffers } from '../routing/withdraw-offers.js';
import { announceSession, recordTimeline } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { sendSystemMessage } from './send-system-message.js';
import { makeOwner } from './make-owner.js';
import { sessionView } from './session-view.js';
import { addParticipant, lockSession } from './sessions.repo.js';

/**
 * Accepts an offer. Exactly one accept wins: the tenant's routing lock orders concurrent accepts, the offer must
 * still be pending and in time, and the operator must stay within capacity. In whole-group mode the other
 * operators' offers are withdrawn at once.
 */
export async function acceptOffer(deps: EngineDeps, actor: Actor, offerId: string) {
  if (actor.kind !== 'user') throw new AppError('unprocessable', 'Only operators accept offers');
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    const offer = await lockOffer(tx, actor.tenantId, offerId);
    if (!offer || offer.userId !== actor.id) throw AppError.notFound('Offer');
    const now = deps.now();
    if (offer.state !== 'pending' || offer.expiresAt.getTime() <= now.getTime()) {
      throw new AppError(
        'offer_gone',
        offer.state === 'accepted' ? 'You already accepted this offer' : 'The offer is no longer open',
      );
    }
    const session = (await lockSession(tx, actor.tenantId, offer.sessionId))!;
    if (session.state === 'ended') throw new AppError('offer_gone', 'The customer has left');
    const load = await operatorLoad(
      tx,
      actor.tenantId,
      actor.id,
      offer.kind === 'queue' ? session.groupId : null,
    );
    // The offer itself counts in the load, so accepting keeps the operator within capacity when load ≤ capacity.
    if (!load || load.load > load.capacity)
      throw new AppError('capacity_reached', 'You are at your capacity; end a session first');

    await resolveOffer(tx, offer.id, 'accepted', now);
    await recordEvent(tx, actor.tenantId, 'offer.closed', [rooms.operator(actor.id)], {
      offerId: offer.id,
      sessionId: session.id,
      reason: 'accepted',
    });
    const others = (await pendingOffersOfSession(tx, session.id)).filter((o) => o.kind === offer.kind);
    await withdrawOffers(tx, deps, actor.tenantId, others, 'keep');

    if (offer.kind === 'conference') {
      await addParticipant(tx, {
        tenantId: actor.tenantId,
        sessionId: session.id,
        userId: actor.id,
        role: 'guest',
        joinedAt: now,
      });
      await recordTimeline(tx, session, {
        type: 'conference_joined',
        actorKind: 'operator',
        actorUserId: actor.id,
        at: now,
      });
      await sendSystemMessage(tx, deps, session, 'operator_joined', { name: actor.name });
      await announceSession(tx, deps, session);
    } else {
      const active = await makeOwner(tx, deps, session, actor, {
        type: offer.kind === 'transfer' ? 'transfer_accepted' : 'accepted',
      });
      await announceSession(
        tx,
        deps,
        active,
        others.map((o) => o.userId),
      );
    }
    return sessionView(tx, actor.tenantId, session.id);
  });
}
