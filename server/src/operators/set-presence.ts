import type { Executor } from '../db/database.js';
import { hasRole, type Actor } from '../auth/actor.js';
import { AppError } from '../http/app-error.js';
import { recordEvent } from '../realtime/record-event.js';
import { rooms, type Presence } from '../realtime/event-map.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { dispatchGroup } from '../routing/dispatch.js';
import { withdrawOffers } from '../routing/withdraw-offers.js';
import { pendingOffersOfUsers } from '../routing/offers.repo.js';
import { groupIdsOfUser } from '../groups/groups.repo.js';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { findOperator, sharedGroupIds, upsertPresences } from './operators.repo.js';

export interface SetPresenceInput {
  userId: string;
  status: 'available' | 'away' | 'offline';
  awayReason?: string | undefined;
}

type Deps = Pick<EngineDeps, 'database' | 'now' | 'jobs' | 'outbox' | 'channels'>;

/**
 * Operators set their own presence; a supervisor may set it for operators of their groups, an administrator
 * for anyone in the tenant. `rona` is only ever set by routing, so it cannot be chosen here.
 */
export async function setPresence(deps: Deps, actor: Actor, input: SetPresenceInput) {
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
  const awayReason = input.status === 'away' ? (input.awayReason ?? null) : null;
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    return setPresenceInTransaction(tx, deps, actor.tenantId, input.userId, input.status, awayReason);
  });
}

/**
 * Changes presence inside a transaction that holds the routing lock. Becoming available takes waiting
 * sessions at once; leaving (away, offline, rona) hands back queue offers not yet accepted, whose groups are
 * dispatched at once or, given `dispatchLater`, added to it for the caller to dispatch.
 */
export async function setPresenceInTransaction(
  tx: Executor,
  deps: Pick<EngineDeps, 'now' | 'jobs' | 'outbox' | 'channels'>,
  tenantId: string,
  userId: string,
  status: Presence,
  awayReason: string | null,
  dispatchLater?: Set<string>,
) {
  if (status !== 'available') {
    const changedAt = await leaveInTransaction(
      tx,
      deps,
      tenantId,
      [userId],
      status,
      awayReason,
      dispatchLater,
    );
    return { userId, status, awayReason, changedAt };
  }
  const changedAt = deps.now();
  await recordPresences(tx, tenantId, [userId], status, awayReason, changedAt);
  for (const groupId of await groupIdsOfUser(tx, userId)) await dispatchGroup(tx, deps, tenantId, groupId);
  return { userId, status, awayReason, changedAt };
}

/**
 * Several operators leave at once (away, offline, or `rona` after their offers ran out), inside a transaction that
 * holds the routing lock: their presence in one statement, and all their queue offers not yet accepted handed back
 * together (see `setPresenceInTransaction`).
 */
export async function leaveInTransaction(
  tx: Executor,
  deps: Pick<EngineDeps, 'now' | 'jobs' | 'outbox' | 'channels'>,
  tenantId: string,
  userIds: string[],
  status: Exclude<Presence, 'available'>,
  awayReason: string | null,
  dispatchLater?: Set<string>,
): Promise<Date> {
  const changedAt = deps.now();
  if (userIds.length === 0) return changedAt;
  await recordPresences(tx, tenantId, userIds, status, awayReason, changedAt);
  const queueOffers = (await pendingOffersOfUsers(tx, tenantId, userIds)).filter((o) => o.kind === 'queue');
  await withdrawOffers(tx, deps, tenantId, queueOffers, dispatchLater ?? 'requeue');
  return changedAt;
}

/** Stores the operators' new presence (idle from now when available) and tells the tenant. */
async function recordPresences(
  tx: Executor,
  tenantId: string,
  userIds: string[],
  status: Presence,
  awayReason: string | null,
  changedAt: Date,
) {
  await upsertPresences(
    tx,
    userIds.map((userId) => ({
      tenantId,
      userId,
      status,
      awayReason,
      changedAt,
      ...(status === 'available' ? { idleSince: changedAt } : {}),
    })),
  );
  for (const userId of userIds) {
    await recordEvent(tx, tenantId, 'presence.changed', [rooms.tenant(tenantId)], {
      userId,
      status,
      awayReason,
      changedAt: changedAt.toISOString(),
    });
  }
}
