import { and, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import { groups } from '../db/schema.js';
import { AppError } from '../http/app-error.js';
import { offerSession } from '../routing/dispatch.js';
import { operatorLoad } from '../routing/operator-load.js';
import { pendingOffersOfSession } from '../routing/offers.repo.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { announceSession, recordTimeline } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { sendSystemMessage } from './send-system-message.js';
import { lockVisibleSession, requireParticipant, requireState } from './session-guards.js';
import { sessionView } from './session-view.js';
import { removeParticipants } from './sessions.repo.js';

/** The owner invites another operator; the invitee gets an offer and joins as a guest on accept. */
export async function inviteToConference(deps: EngineDeps, actor: Actor, sessionId: string, userId: string) {
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    const session = await lockVisibleSession(tx, actor, sessionId);
    requireState(session, 'active');
    const { participants } = await requireParticipant(tx, actor, session, { role: 'owner' });
    if (participants.some((p) => p.userId === userId))
      throw new AppError('conflict', 'That operator is already in the session');
    if ((await pendingOffersOfSession(tx, session.id, 'conference')).some((o) => o.userId === userId)) {
      throw new AppError('conflict', 'That operator has already been invited');
    }
    const operator = await operatorLoad(tx, actor.tenantId, userId);
    if (!operator) throw AppError.notFound('Operator');
    if (operator.presence === 'offline') throw new AppError('conflict', `${operator.name} is offline`);
    const [group] = session.groupId
      ? await tx
          .select()
          .from(groups)
          .where(and(eq(groups.id, session.groupId), eq(groups.tenantId, actor.tenantId)))
      : [];
    await offerSession(
      tx,
      deps,
      session,
      [{ userId }],
      'conference',
      group?.offerTimeoutSeconds ?? 30,
      actor.id,
    );
    return sessionView(tx, actor.tenantId, session.id);
  });
}

/** The owner ends the conference (every guest leaves), or a guest exits; the session goes on either way. */
export async function leaveConference(
  deps: EngineDeps,
  actor: Actor,
  sessionId: string,
  how: 'end' | 'exit',
) {
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    const session = await lockVisibleSession(tx, actor, sessionId);
    requireState(session, 'active');
    const { participants, mine } = await requireParticipant(
      tx,
      actor,
      session,
      how === 'end' ? { role: 'owner' } : {},
    );
    const leaving = how === 'end' ? participants.filter((p) => p.role === 'guest') : [mine!];
    if (how === 'exit' && mine?.role !== 'guest')
      throw new AppError('unprocessable', 'The owner ends the conference or the session; guests exit');
    if (leaving.length === 0) throw new AppError('conflict', 'There is no conference to end');
    const now = deps.now();
    for (const guest of leaving) {
      await removeParticipants(tx, session.id, now, guest.userId);
      await recordTimeline(tx, session, {
        type: how === 'end' ? 'conference_ended' : 'conference_exited',
        actorKind: 'operator',
        actorUserId: actor.kind === 'user' ? actor.id : null,
        data: { userId: guest.userId },
        at: now,
      });
      await sendSystemMessage(tx, deps, session, 'operator_left', { name: guest.name });
    }
    await announceSession(
      tx,
      deps,
      session,
      leaving.map((p) => p.userId),
    );
    return sessionView(tx, actor.tenantId, session.id);
  });
}
