import type { EngineDeps } from '../sessions/engine-deps.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { dispatchGroup } from '../routing/dispatch.js';
import type { Actor } from '../auth/actor.js';
import { AppError } from '../http/app-error.js';
import { recordEvent } from '../realtime/record-event.js';
import { rooms } from '../realtime/event-map.js';
import { recordAudit } from '../admin/record-audit.js';
import { findGroup, groupIdsOfUser, replaceMembers, tenantUserIds } from './groups.repo.js';

/**
 * Replaces a group's members. Each operator whose groups changed is told, and their open sockets start or stop
 * receiving the group's events at once.
 */
export async function setGroupMembers(
  deps: Pick<EngineDeps, 'database' | 'now' | 'jobs' | 'channels'>,
  actor: Actor,
  groupId: string,
  members: Array<{ userId: string; capacity?: number | null | undefined }>,
) {
  const userIds = [...new Set(members.map((m) => m.userId))];
  if (userIds.length !== members.length)
    throw new AppError('validation_failed', 'An operator is listed twice');
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    if (!(await findGroup(tx, actor.tenantId, groupId))) throw AppError.notFound('Group');
    const known = await tenantUserIds(tx, actor.tenantId, userIds);
    if (known.length !== userIds.length) throw AppError.notFound('Operator');
    const affected = await replaceMembers(tx, actor.tenantId, groupId, members);
    for (const userId of affected) {
      await recordEvent(tx, actor.tenantId, 'membership.changed', [rooms.operator(userId)], {
        userId,
        groupIds: await groupIdsOfUser(tx, userId),
      });
    }
    await recordAudit(tx, actor, 'group.members', { type: 'group', id: groupId }, { userIds });
    // New members who are available take the group's waiting sessions at once.
    await dispatchGroup(tx, deps, actor.tenantId, groupId);
    return (await findGroup(tx, actor.tenantId, groupId))!;
  });
}
