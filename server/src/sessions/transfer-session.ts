import { and, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import { groups, sessions } from '../db/schema.js';
import { groupIdsOfUser } from '../groups/groups.repo.js';
import { AppError } from '../http/app-error.js';
import { dispatchGroup, offerSession } from '../routing/dispatch.js';
import { operatorLoad } from '../routing/operator-load.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { announceSession, recordTimeline } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { sendSystemMessage } from './send-system-message.js';
import { lockVisibleSession, requireParticipant, requireState } from './session-guards.js';
import { sessionView } from './session-view.js';
import { activeParticipants, removeParticipants, updateSession } from './sessions.repo.js';

export type TransferTarget = { groupId: string } | { userId: string };

/**
 * Hands a session to a group (it joins that queue) or to an operator (they get an offer; if they do not accept
 * in time, the session returns to its group's queue at the front). The customer is told either way.
 * The owner transfers; a supervisor of the group may transfer any of its sessions.
 */
export async function transferSession(
  deps: EngineDeps,
  actor: Actor,
  sessionId: string,
  target: TransferTarget,
) {
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    const session = await lockVisibleSession(tx, actor, sessionId);
    requireState(session, 'active', 'waiting');
    await requireParticipant(tx, actor, session, { role: 'owner', orSupervisor: true });
    const now = deps.now();
    const leaving = await activeParticipants(tx, session.id);

    if ('groupId' in target) {
      const [group] = await tx
        .select()
        .from(groups)
        .where(and(eq(groups.id, target.groupId), eq(groups.tenantId, actor.tenantId)));
      if (!group) throw AppError.notFound('Group');
      await removeParticipants(tx, session.id, now);
      const moved = await updateSession(tx, session.id, { groupId: group.id, state: 'waiting' });
      await recordTimeline(tx, moved, {
        type: 'transferred',
        actorKind: 'operator',
        actorUserId: actor.id,
        data: { toGroupId: group.id, fromGroupId: session.groupId },
        at: now,
      });
      await sendSystemMessage(tx, deps, moved, 'transfer_started');
      await announceSession(
        tx,
        deps,
        moved,
        leaving.map((p) => p.userId),
      );
      await dispatchGroup(tx, deps, actor.tenantId, group.id);
    } else {
      if (target.userId === actor.id) throw new AppError('unprocessable', 'You already have this session');
      const operator = await operatorLoad(tx, actor.tenantId, target.userId);
      if (!operator) throw AppError.notFound('Operator');
      if (operator.presence === 'offline') throw new AppError('conflict', `${operator.name} is offline`);
      await removeParticipants(tx, session.id, now);
      const handed = await updateSession(tx, session.id, { state: 'waiting' });
      await recordTimeline(tx, handed, {
        type: 'transferred',
        actorKind: 'operator',
        actorUserId: actor.id,
        data: { toUserId: target.userId },
        at: now,
      });
      await sendSystemMessage(tx, deps, handed, 'transfer_started');
      const [group] = session.groupId
        ? await tx.select().from(groups).where(eq(groups.id, session.groupId))
        : [];
      await offerSession(
        tx,
        deps,
        handed,
        [{ userId: target.userId }],
        'transfer',
        group?.offerTimeoutSeconds ?? 30,
        actor.kind === 'user' ? actor.id : null,
      );
      const [offered] = await tx.select().from(sessions).where(eq(sessions.id, session.id));
      await announceSession(
        tx,
        deps,
        offered!,
        leaving.map((p) => p.userId),
      );
    }
    for (const p of leaving) {
      for (const groupId of await groupIdsOfUser(tx, p.userId))
        await dispatchGroup(tx, deps, actor.tenantId, groupId);
    }
    return sessionView(tx, actor.tenantId, session.id);
  });
}
