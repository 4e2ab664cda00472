import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { lockTenantRules } from '../routing-rules/routing-rules.repo.js';
import { readTenantSettings } from '../tenants/read-tenant-settings.js';
import { deleteGroupRow, findGroup, groupIdsOfUser, groupUsage } from './groups.repo.js';

/** Why a group cannot be deleted; `details.reason` of the 409 answer. */
export type GroupInUse =
  'default_group' | 'routing_rules' | 'open_sessions' | 'session_history' | 'templates';

const inUse = (reason: GroupInUse, message: string, count?: number) =>
  new AppError('in_use', message, { reason, ...(count !== undefined ? { count } : {}) });

/**
 * Deletes a group nothing refers to any more. It is refused while it is the tenant's default group, while routing
 * rules send sessions to it, while templates are limited to it, and once any session was ever in it: ended
 * sessions keep their group for history and statistics, and that history is never deleted to make room.
 * Its memberships go with it, and each former member's sockets stop receiving its events.
 */
export async function deleteGroup(deps: { database: Database }, actor: Actor, groupId: string) {
  await deps.database.db.transaction(async (tx) => {
    // Rules and routing decisions wait for this, so no rule or offer can start using the group meanwhile.
    await lockTenantRules(tx, actor.tenantId);
    await lockTenantRouting(tx, actor.tenantId);
    const group = await findGroup(tx, actor.tenantId, groupId);
    if (!group) throw AppError.notFound('Group');
    if ((await readTenantSettings(tx, actor.tenantId)).defaultGroupId === groupId)
      throw inUse(
        'default_group',
        'This is the default group: choose another default group before deleting it',
      );
    const usage = await groupUsage(tx, actor.tenantId, groupId);
    if (usage.rules > 0)
      throw inUse(
        'routing_rules',
        `${usage.rules} routing rule(s) send sessions to this group: change or delete them first`,
        usage.rules,
      );
    if (usage.openSessions > 0)
      throw inUse(
        'open_sessions',
        `${usage.openSessions} session(s) of this group are waiting or active`,
        usage.openSessions,
      );
    if (usage.templates > 0)
      throw inUse(
        'templates',
        `${usage.templates} template(s) are limited to this group: change or delete them first`,
        usage.templates,
      );
    if (usage.sessions > 0)
      throw inUse(
        'session_history',
        'Past sessions were handled in this group and keep it in their history, so it cannot be deleted',
        usage.sessions,
      );
    const formerMembers = await deleteGroupRow(tx, actor.tenantId, groupId).catch((error: unknown) => {
      // A session that arrived meanwhile refers to it: the database refuses, and so do we, with the reason.
      if (isForeignKeyViolation(error))
        throw inUse('open_sessions', 'A session of this group arrived meanwhile: it is in use');
      throw error;
    });
    for (const userId of formerMembers) {
      await recordEvent(tx, actor.tenantId, 'membership.changed', [rooms.operator(userId)], {
        userId,
        groupIds: await groupIdsOfUser(tx, userId),
      });
    }
    await recordEvent(tx, actor.tenantId, 'group.changed', [rooms.tenant(actor.tenantId)], {
      groupId,
      name: group.name,
    });
    await recordAudit(tx, actor, 'group.delete', { type: 'group', id: groupId }, { name: group.name });
  });
}

function isForeignKeyViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; depth++) {
    if (e.code === '23503') return true;
    e = e.cause as typeof e;
  }
  return false;
}
