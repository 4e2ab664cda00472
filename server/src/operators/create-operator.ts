import type { Database } from '../db/database.js';
import type { Actor, UserRole } from '../auth/actor.js';
import { hashPassword } from '../auth/passwords.js';
import { AppError } from '../http/app-error.js';
import { findUserByEmail } from '../auth/auth.repo.js';
import { recordEvent } from '../realtime/record-event.js';
import { rooms } from '../realtime/event-map.js';
import { recordAudit } from '../admin/record-audit.js';
import { insertOperator } from './operators.repo.js';

export interface CreateOperatorInput {
  email: string;
  name: string;
  password?: string | undefined;
  role: UserRole;
  capacity: number;
}

export async function createOperator(deps: { database: Database }, actor: Actor, input: CreateOperatorInput) {
  if (await findUserByEmail(deps.database.db, input.email)) {
    throw new AppError('conflict', 'A user with this e-mail already exists');
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return deps.database.db.transaction(async (tx) => {
    const user = await insertOperator(tx, { tenantId: actor.tenantId, ...input, passwordHash });
    await recordEvent(tx, actor.tenantId, 'operator.changed', [rooms.tenant(actor.tenantId)], {
      userId: user.id,
      name: input.name,
      role: input.role,
      capacity: input.capacity,
      active: true,
    });
    await recordAudit(
      tx,
      actor,
      'operator.create',
      { type: 'user', id: user.id },
      { email: input.email, role: input.role },
    );
    return user;
  });
}
