import { recordAudit } from '../admin/record-audit.js';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import type { BlockedFileTypes } from './check-upload.js';
import { writeBlockedFileTypes } from './files.repo.js';

/**
 * Replaces the tenant's blocked file types (lower case, extensions without the dot, no duplicates). They apply
 * from the next file on every channel, both ways; files already stored stay.
 */
export async function setBlockedFileTypes(
  deps: { database: Database },
  actor: Actor,
  input: BlockedFileTypes,
): Promise<BlockedFileTypes> {
  const value: BlockedFileTypes = {
    mimeTypes: [...new Set(input.mimeTypes.map((t) => t.trim().toLowerCase()))].sort(),
    extensions: [...new Set(input.extensions.map((e) => e.trim().replace(/^\./, '').toLowerCase()))].sort(),
  };
  await deps.database.db.transaction(async (tx) => {
    await writeBlockedFileTypes(tx, actor.tenantId, value);
    await recordAudit(
      tx,
      actor,
      'blocked_file_types.update',
      { type: 'tenant', id: actor.tenantId },
      { ...value },
    );
  });
  return value;
}
