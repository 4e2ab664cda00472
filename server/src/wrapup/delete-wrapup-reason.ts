import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { deleteReasonRow, findReason, reasonInUse, updateReasonRow } from './wrapup.repo.js';

/**
 * Deletes a wrap-up reason, or deactivates it when a session used it: that session's wrap-up keeps its
 * meaning, and the reason is no longer offered.
 */
export async function deleteWrapupReason(deps: { database: Database }, actor: Actor, reasonId: string) {
  return deps.database.db.transaction(async (tx) => {
    if (!(await findReason(tx, actor.tenantId, reasonId))) throw AppError.notFound('Wrap-up reason');
    if (await reasonInUse(tx, actor.tenantId, reasonId)) {
      await updateReasonRow(tx, actor.tenantId, reasonId, { active: false });
      await recordAudit(tx, actor, 'wrapup_reason.deactivate', { type: 'wrapup_reason', id: reasonId });
      return { outcome: 'deactivated' as const, reason: (await findReason(tx, actor.tenantId, reasonId))! };
    }
    await deleteReasonRow(tx, actor.tenantId, reasonId);
    await recordAudit(tx, actor, 'wrapup_reason.delete', { type: 'wrapup_reason', id: reasonId });
    return { outcome: 'deleted' as const, reason: null };
  });
}
