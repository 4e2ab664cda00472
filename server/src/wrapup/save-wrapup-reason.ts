import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import {
  findReason,
  insertReason,
  lockTenantReasons,
  reasonNameTaken,
  updateReasonRow,
} from './wrapup.repo.js';

/** Creates a wrap-up reason, or changes one when `reasonId` is given. Names are unique in a tenant, any case. */
export async function saveWrapupReason(
  deps: { database: Database },
  actor: Actor,
  reasonId: string | undefined,
  fields: { name?: string | undefined; active?: boolean | undefined },
) {
  const name = fields.name?.trim();
  if (fields.name !== undefined && !name)
    throw new AppError('validation_failed', 'A wrap-up reason needs a name');
  return deps.database.db.transaction(async (tx) => {
    await lockTenantReasons(tx, actor.tenantId);
    if (reasonId && !(await findReason(tx, actor.tenantId, reasonId)))
      throw AppError.notFound('Wrap-up reason');
    if (name && (await reasonNameTaken(tx, actor.tenantId, name, reasonId)))
      throw AppError.alreadyExists('name', 'A wrap-up reason with this name already exists');
    let id = reasonId;
    if (id) {
      await updateReasonRow(tx, actor.tenantId, id, {
        ...(name ? { name } : {}),
        ...(fields.active !== undefined ? { active: fields.active } : {}),
      });
    } else {
      id = (await insertReason(tx, { tenantId: actor.tenantId, name: name! })).id;
    }
    await recordAudit(
      tx,
      actor,
      reasonId ? 'wrapup_reason.update' : 'wrapup_reason.create',
      {
        type: 'wrapup_reason',
        id,
      },
      { ...fields },
    );
    return (await findReason(tx, actor.tenantId, id))!;
  });
}
