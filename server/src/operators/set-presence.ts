import type { Database } from '../db/database.js';
import { hasRole, type Actor } from '../auth/actor.js';
import { AppError } from '../http/app-error.js';
import { recordEvent } from '../realtime/record-event.js';
import { rooms, type Presence } from '../realtime/event-map.js';
import { findOperator, sharedGroupIds, upsertPresence } from './operators.repo.js';

export interface SetPresenceInput {
  userId: string;
  status: 'available' | 'away' | 'offline';
  awayReason?: string | undefined;
}

/**
 * Operators set their own presence; a supervisor may set it for operators of their groups, an administrator
 * for anyone in the tenant. `rona` is only ever set by routing, so it cannot be chosen here.
 */
export async function setPresence(
  deps: { database: Database; now: () => Date },
  actor: Actor,
  input: SetPresenceInput,
) {
  const target = await findOperator(deps.database.db, actor.tenantId, input.userId);
  if (!target) throw AppError.notFound('Operator');
  const self = actor.kind === 'user' && actor.id === input.userId;
  if (!self) {
    if (!hasRole(actor, 'supervisor'))
      throw AppError.forbidden('Only supervisors can change another operator’s presence');
    if (
      actor.groupIds !== 'all' &&
      (await sharedGroupIds(deps.database.db, actor.id, input.userId)).length === 0
    ) {
      throw AppError.forbidden('That operator is not in your groups');
    }
  }
  const changedAt = deps.now();
  const awayReason = input.status === 'away' ? (input.awayReason ?? null) : null;
  const status: Presence = input.status;
  await deps.database.db.transaction(async (tx) => {
    await upsertPresence(tx, {
      tenantId: actor.tenantId,
      userId: input.userId,
      status,
      awayReason,
      changedAt,
    });
    await recordEvent(tx, actor.tenantId, 'presence.changed', [rooms.tenant(actor.tenantId)], {
      userId: input.userId,
      status,
      awayReason,
      changedAt: changedAt.toISOString(),
    });
  });
  return { userId: input.userId, status, awayReason, changedAt };
}
