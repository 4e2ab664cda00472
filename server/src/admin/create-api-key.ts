import type { Actor, UserRole } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { randomToken, sha256Hex } from '../lib/tokens.js';
import { insertApiKey } from './api-keys.repo.js';
import { recordAudit } from './record-audit.js';

/**
 * Issues an API key. The key is shown once; only its sha256 is stored. A key has 256 bits of entropy, so a fast
 * hash is as safe as argon2 here and keeps every API call cheap.
 */
export async function createApiKey(
  deps: { database: Database },
  actor: Actor,
  input: { name: string; role: UserRole },
) {
  // A name of spaces only would tell keys apart no better than none.
  const name = input.name.trim();
  if (!name) throw new AppError('validation_failed', 'The name must not be blank');
  const secret = `sb_${randomToken(32)}`;
  return deps.database.db.transaction(async (tx) => {
    const key = await insertApiKey(tx, {
      tenantId: actor.tenantId,
      name,
      role: input.role,
      prefix: secret.slice(0, 10),
      keyHash: sha256Hex(secret),
      createdByUserId: actor.kind === 'user' ? actor.id : null,
    });
    await recordAudit(
      tx,
      actor,
      'api_key.create',
      { type: 'api_key', id: key.id },
      { name, role: input.role },
    );
    return { ...key, createdByName: actor.kind === 'user' ? actor.name : null, key: secret };
  });
}
