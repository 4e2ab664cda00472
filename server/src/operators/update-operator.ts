import type { EngineDeps } from '../sessions/engine-deps.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { dispatchGroup } from '../routing/dispatch.js';
import { groupIdsOfUser } from '../groups/groups.repo.js';
import type { Actor, UserRole } from '../auth/actor.js';
import { AppError } from '../http/app-error.js';
import { recordEvent } from '../realtime/record-event.js';
import { rooms } from '../realtime/event-map.js';
import { recordAudit } from '../admin/record-audit.js';
import { signOutEverywhere } from '../auth/sign-out-everywhere.js';
import { handBackSessions } from './hand-back-sessions.js';
import { leaveInTransaction } from './set-presence.js';
import { findOperator, updateOperator as updateOperatorRow } from './operators.repo.js';

export interface UpdateOperatorInput {
  name?: string;
  role?: UserRole;
  capacity?: number;
  active?: boolean;
  language?: string;
}

export async function updateOperator(
  deps: Pick<EngineDeps, 'database' | 'now' | 'jobs' | 'outbox' | 'channels'>,
  actor: Actor,
  userId: string,
  changes: UpdateOperatorInput,
) {
  // An administrator cannot lock themselves out (their own role, sent unchanged, is no change).
  if (
    actor.kind === 'user' &&
    actor.id === userId &&
    ((changes.role !== undefined && changes.role !== actor.role) || changes.active === false)
  ) {
    throw new AppError('unprocessable', 'You cannot change your own role or deactivate yourself');
  }
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    const updated = await updateOperatorRow(tx, actor.tenantId, userId, changes);
    if (!updated) throw AppError.notFound('Operator');
    // A deactivated operator is signed out everywhere and goes offline: their queue offers and their customers
    // go to others.
    if (changes.active === false) {
      await signOutEverywhere(tx, actor.tenantId, userId);
      await leaveInTransaction(tx, deps, actor.tenantId, [userId], 'offline', null);
      await handBackSessions(tx, deps, actor, userId);
    }
    const operator = (await findOperator(tx, actor.tenantId, userId))!;
    await recordEvent(tx, actor.tenantId, 'operator.changed', [rooms.tenant(actor.tenantId)], {
      userId,
      name: operator.name,
      role: operator.role,
      capacity: operator.capacity,
      active: operator.active,
    });
    await recordAudit(tx, actor, 'operator.update', { type: 'user', id: userId }, { ...changes });
    // More capacity takes waiting sessions at once.
    if (changes.capacity !== undefined)
      for (const groupId of await groupIdsOfUser(tx, userId))
        await dispatchGroup(tx, deps, actor.tenantId, groupId);
    return operator;
  });
}
