import type { Database } from '../db/database.js';
import type { Actor } from '../auth/actor.js';
import { signOutEverywhere } from '../auth/sign-out-everywhere.js';
import { checkPasswordRule, hashPassword } from '../auth/passwords.js';
import { AppError } from '../http/app-error.js';
import { recordAudit } from '../admin/record-audit.js';
import { setPasswordHash } from './operators.repo.js';

/**
 * An administrator gives an operator a new password (one they forgot). The old one stops working and the
 * operator is signed out everywhere, except the session making the change when it is the administrator's own.
 * The audit log records that it was set, never the password.
 */
export async function setOperatorPassword(
  deps: { database: Database },
  actor: Actor,
  input: { userId: string; password: string; keepSessionId?: string | undefined },
) {
  checkPasswordRule(input.password);
  const passwordHash = await hashPassword(input.password);
  await deps.database.db.transaction(async (tx) => {
    if (!(await setPasswordHash(tx, actor.tenantId, input.userId, passwordHash)))
      throw AppError.notFound('Operator');
    const own = actor.kind === 'user' && actor.id === input.userId;
    await signOutEverywhere(tx, actor.tenantId, input.userId, own ? input.keepSessionId : undefined);
    await recordAudit(tx, actor, 'operator.password', { type: 'user', id: input.userId });
  });
}
