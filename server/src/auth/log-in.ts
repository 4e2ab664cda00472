import type { Executor } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { randomToken, sha256Hex } from '../lib/tokens.js';
import { findUserByEmail, insertAuthSession } from './auth.repo.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

export interface LogInDeps {
  db: Executor;
  now: () => Date;
  sessionTtlHours: number;
}

/**
 * Checks e-mail and password and opens a cookie session. The same error, after the same work, for an unknown
 * e-mail and a wrong password, so the answer does not tell which addresses exist.
 */
export async function logIn(deps: LogInDeps, input: { email: string; password: string }) {
  const user = await findUserByEmail(deps.db, input.email);
  const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !valid || !user.active || !user.passwordHash) {
    throw new AppError('invalid_credentials', 'Wrong e-mail or password');
  }
  const token = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = new Date(deps.now().getTime() + deps.sessionTtlHours * 3_600_000);
  await insertAuthSession(deps.db, {
    id: sha256Hex(token),
    tenantId: user.tenantId,
    userId: user.id,
    csrfToken,
    expiresAt,
  });
  return { token, csrfToken, expiresAt, user };
}
