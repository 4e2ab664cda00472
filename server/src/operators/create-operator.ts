import type { EngineDeps } from '../sessions/engine-deps.js';
import type { Actor, UserRole } from '../auth/actor.js';
import { checkPasswordRule, hashPassword } from '../auth/passwords.js';
import { AppError } from '../http/app-error.js';
import { findUserByEmail } from '../auth/auth.repo.js';
import { recordEvent } from '../realtime/record-event.js';
import { rooms } from '../realtime/event-map.js';
import { recordAudit } from '../admin/record-audit.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { insertOperator } from './operators.repo.js';
import { joinGroupsInTransaction } from './set-operator-groups.js';

export interface CreateOperatorInput {
  email: string;
  name: string;
  password?: string | undefined;
  role: UserRole;
  capacity: number;
  /** Groups the operator joins in the same step; an unknown one creates nothing. */
  groupIds?: string[] | undefined;
}

export async function createOperator(
  deps: Pick<EngineDeps, 'database' | 'now' | 'jobs' | 'channels'>,
  actor: Actor,
  input: CreateOperatorInput,
) {
  if (input.password !== undefined) checkPasswordRule(input.password);
  if (await findUserByEmail(deps.database.db, input.email)) {
    throw AppError.alreadyExists('email', 'A user with this e-mail already exists');
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const { email, name, role, capacity, groupIds = [] } = input;
  return deps.database.db.transaction(async (tx) => {
    const user = await insertOperator(tx, {
      tenantId: actor.tenantId,
      email,
      name,
      role,
      capacity,
      passwordHash,
    });
    await recordEvent(tx, actor.tenantId, 'operator.changed', [rooms.tenant(actor.tenantId)], {
      userId: user.id,
      name,
      role,
      capacity,
      active: true,
    });
    await recordAudit(tx, actor, 'operator.create', { type: 'user', id: user.id }, { email, role });
    if (groupIds.length) {
      await lockTenantRouting(tx, actor.tenantId);
      await joinGroupsInTransaction(tx, deps, actor, user.id, groupIds);
    }
    return user;
  });
}
