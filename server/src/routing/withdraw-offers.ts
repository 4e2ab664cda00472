import type { Executor } from '../db/database.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import { announceSession } from '../sessions/announce.js';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { lockSession, updateSession } from '../sessions/sessions.repo.js';
import { dispatchGroup } from './dispatch.js';
import { pendingOffersOfSession, resolveOffer, type OfferRow } from './offers.repo.js';

/**
 * Takes back pending offers (the operator left, or another accepted first). A session left with no pending
 * offer returns to its queue and is offered again: by its group's dispatch now, or, given a set, by the caller,
 * which dispatches the groups added to it once its own work is done.
 */
export async function withdrawOffers(
  tx: Executor,
  deps: Pick<EngineDeps, 'jobs' | 'now' | 'channels'>,
  tenantId: string,
  offers: OfferRow[],
  redispatch: boolean | Set<string> = true,
) {
  const touchedGroups = redispatch instanceof Set ? redispatch : new Set<string>();
  for (const offer of offers) {
    await resolveOffer(tx, offer.id, 'withdrawn', deps.now());
    await recordEvent(tx, tenantId, 'offer.closed', [rooms.operator(offer.userId)], {
      offerId: offer.id,
      sessionId: offer.sessionId,
      reason: 'withdrawn',
    });
    const session = await lockSession(tx, tenantId, offer.sessionId);
    if (!session || session.state !== 'offered' || offer.kind === 'conference') continue;
    if ((await pendingOffersOfSession(tx, session.id)).length > 0) continue;
    const waiting = await updateSession(tx, session.id, { state: 'waiting' });
    await announceSession(tx, deps, waiting, [offer.userId]);
    if (waiting.groupId) touchedGroups.add(waiting.groupId);
  }
  if (redispatch === true)
    for (const groupId of touchedGroups) await dispatchGroup(tx, deps, tenantId, groupId);
}
