import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { findEntry, updateEntryReason } from './blacklist.repo.js';

/** Changes the reason of a blacklist entry; what it names stays (remove it and add another for that). */
export async function updateBlacklistEntry(
  deps: { database: Database },
  actor: Actor,
  entryId: string,
  reason: string | null,
) {
  return deps.database.db.transaction(async (tx) => {
    if (!(await updateEntryReason(tx, actor.tenantId, entryId, reason)))
      throw AppError.notFound('Blacklist entry');
    await recordAudit(tx, actor, 'blacklist.update', { type: 'blacklist_entry', id: entryId });
    return (await findEntry(tx, actor.tenantId, entryId))!;
  });
}
