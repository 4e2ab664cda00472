import type { Actor } from '../auth/actor.js';
import { AppError } from '../http/app-error.js';
import { groupIdsOfUser } from '../groups/groups.repo.js';
import { dispatchGroup } from '../routing/dispatch.js';
import { pendingOffersOfSession } from '../routing/offers.repo.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { withdrawOffers } from '../routing/withdraw-offers.js';
import { announceSession } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { lockVisibleSession, requireState, supervises } from './session-guards.js';
import { makeOwner } from './make-owner.js';
import { sessionView } from './session-view.js';
import { activeParticipants, removeParticipants } from './sessions.repo.js';

/** A supervisor takes a session of their group for themselves: its operators leave, any offers are withdrawn. */
export async function takeOverSession(deps: EngineDeps, actor: Actor, sessionId: string) {
  if (actor.kind !== 'user') throw new AppError('unprocessable', 'Only a person can take over a session');
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    const session = await lockVisibleSession(tx, actor, sessionId);
    if (!supervises(actor, session))
      throw AppError.forbidden('Only a supervisor of the session’s group can take it over');
    requireState(session, 'waiting', 'offered', 'active');
    const now = deps.now();
    await withdrawOffers(tx, deps, actor.tenantId, await pendingOffersOfSession(tx, session.id), 'keep');
    const leaving = (await activeParticipants(tx, session.id)).filter((p) => p.userId !== actor.id);
    await removeParticipants(tx, session.id, now);
    const taken = await makeOwner(tx, deps, session, actor, {
      type: 'taken_over',
      data: { from: leaving.map((p) => p.userId) },
    });
    await announceSession(
      tx,
      deps,
      taken,
      leaving.map((p) => p.userId),
    );
    for (const p of leaving)
      for (const groupId of await groupIdsOfUser(tx, p.userId))
        await dispatchGroup(tx, deps, actor.tenantId, groupId);
    return sessionView(tx, actor.tenantId, session.id);
  });
}
