import type { EngineDeps } from '../sessions/engine-deps.js';
import type { Actor } from '../auth/actor.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { dispatchGroup } from '../routing/dispatch.js';
import { groupIdsOfUser } from '../groups/groups.repo.js';
import { AppError } from '../http/app-error.js';
import { recordEvent } from '../realtime/record-event.js';
import { rooms } from '../realtime/event-map.js';
import { recordAudit } from '../admin/record-audit.js';
import type { Executor } from '../db/database.js';
import { findOperator, setMemberships, tenantGroupIds } from './operators.repo.js';

/**
 * Sets which groups an operator belongs to, in one step: the other members of those groups and their capacity
 * overrides stay as they were (replacing a group's whole member list would lose them).
 */
export async function setOperatorGroups(
  deps: Pick<EngineDeps, 'database' | 'now' | 'jobs' | 'channels'>,
  actor: Actor,
  userId: string,
  groupIds: string[],
) {
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    if (!(await findOperator(tx, actor.tenantId, userId))) throw AppError.notFound('Operator');
    await joinGroupsInTransaction(tx, deps, actor, userId, groupIds);
    return (await findOperator(tx, actor.tenantId, userId))!;
  });
}

/**
 * The memberships of `setOperatorGroups`, inside a transaction holding the routing lock (an invitation uses it
 * too). Refuses groups the tenant does not have; the operator is told, and groups joined take waiting sessions.
 */
export async function joinGroupsInTransaction(
  tx: Executor,
  deps: Pick<EngineDeps, 'now' | 'jobs' | 'channels'>,
  actor: Actor,
  userId: string,
  groupIds: string[],
) {
  const wanted = [...new Set(groupIds)];
  if ((await tenantGroupIds(tx, actor.tenantId, wanted)).length !== wanted.length)
    throw AppError.notFound('Group');
  const { added, removed } = await setMemberships(tx, actor.tenantId, userId, wanted);
  if (added.length === 0 && removed.length === 0) return;
  await recordEvent(tx, actor.tenantId, 'membership.changed', [rooms.operator(userId)], {
    userId,
    groupIds: await groupIdsOfUser(tx, userId),
  });
  await recordAudit(tx, actor, 'operator.groups', { type: 'user', id: userId }, { added, removed });
  for (const groupId of added) await dispatchGroup(tx, deps, actor.tenantId, groupId);
}
