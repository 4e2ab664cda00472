import type { Executor } from '../db/database.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvents } from '../realtime/record-event.js';
import { announceSessions } from '../sessions/announce.js';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { sendSystemMessage } from '../sessions/send-system-message.js';
import { lockSessions, returnToQueue } from '../sessions/sessions.repo.js';
import { dispatchGroup } from './dispatch.js';
import { resolveOffers, sessionsWithPendingOffers, type OfferRow } from './offers.repo.js';

type Deps = Pick<EngineDeps, 'jobs' | 'outbox' | 'now' | 'channels'>;

/**
 * Takes back pending offers (the operator left, or another accepted first). With `sessions` 'requeue' (the
 * default), a session left with no pending offer returns to its queue and is offered again by its group's dispatch
 * now; given a set, it returns to its queue and the caller dispatches the groups added to the set once its own work
 * is done; with 'keep', the caller is about to settle the sessions itself (accepted, taken over, ended), so they
 * stay as they are. An offer resolved already is left alone.
 */
export async function withdrawOffers(
  tx: Executor,
  deps: Deps,
  tenantId: string,
  offers: OfferRow[],
  sessions: 'requeue' | 'keep' | Set<string> = 'requeue',
) {
  const withdrawn = await resolveOffers(
    tx,
    offers.map((offer) => offer.id),
    'withdrawn',
    deps.now(),
  );
  await recordEvents(tx, tenantId, offersClosed(withdrawn, 'withdrawn'));
  if (sessions === 'keep') return;
  const groups = sessions instanceof Set ? sessions : new Set<string>();
  await requeueSessions(tx, deps, tenantId, withdrawn, groups);
  if (sessions === 'requeue') for (const groupId of groups) await dispatchGroup(tx, deps, tenantId, groupId);
}

/** `offer.closed` for each offer, to its operator. */
export function offersClosed(offers: OfferRow[], reason: 'expired' | 'withdrawn') {
  return offers.map((offer) => ({
    name: 'offer.closed' as const,
    rooms: [rooms.operator(offer.userId)],
    payload: { offerId: offer.id, sessionId: offer.sessionId, reason },
  }));
}

/**
 * The sessions of offers just closed: each still `offered` with no pending offer left goes back to its group's
 * queue, announced to its group and to the operators whose offers closed, and its group is added to `groups` for
 * the caller to dispatch. With `transfersToFront`, a session whose closed offer was a transfer goes ahead of
 * everyone (never dropped, never behind newer customers) and its customer is told. A conference invitation
 * leaves its session as it was. A handful of statements for any number of offers.
 */
export async function requeueSessions(
  tx: Executor,
  deps: Deps,
  tenantId: string,
  closed: OfferRow[],
  groups: Set<string>,
  transfersToFront = false,
): Promise<void> {
  const offersOf = new Map<string, OfferRow[]>();
  for (const offer of closed) {
    if (offer.kind === 'conference') continue;
    offersOf.set(offer.sessionId, [...(offersOf.get(offer.sessionId) ?? []), offer]);
  }
  if (offersOf.size === 0) return;
  const offered = [...(await lockSessions(tx, tenantId, [...offersOf.keys()])).values()].filter(
    (session) => session.state === 'offered',
  );
  const stillOffered = await sessionsWithPendingOffers(
    tx,
    offered.map((session) => session.id),
  );
  const back = offered.filter((session) => !stillOffered.has(session.id)).map((session) => session.id);
  const front = transfersToFront
    ? back.filter((id) => offersOf.get(id)!.some((offer) => offer.kind === 'transfer'))
    : [];
  const waiting = await returnToQueue(tx, back, front);
  for (const session of waiting)
    if (front.includes(session.id)) await sendSystemMessage(tx, deps, session, 'transfer_returned');
  await announceSessions(
    tx,
    deps,
    tenantId,
    waiting.map((session) => ({
      session,
      extraUserIds: offersOf.get(session.id)!.map((offer) => offer.userId),
    })),
  );
  for (const session of waiting) if (session.groupId) groups.add(session.groupId);
}
