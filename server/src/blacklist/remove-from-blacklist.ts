import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { deleteEntry } from './blacklist.repo.js';

/** Removes an entry: the contact or identity it named may write in again. */
export async function removeFromBlacklist(deps: { database: Database }, actor: Actor, entryId: string) {
  await deps.database.db.transaction(async (tx) => {
    if (!(await deleteEntry(tx, actor.tenantId, entryId))) throw AppError.notFound('Blacklist entry');
    await recordAudit(tx, actor, 'blacklist.remove', { type: 'blacklist_entry', id: entryId });
  });
}
