import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { deleteTemplateRow } from './templates.repo.js';

export async function deleteTemplate(deps: { database: Database }, actor: Actor, templateId: string) {
  await deps.database.db.transaction(async (tx) => {
    if (!(await deleteTemplateRow(tx, actor.tenantId, templateId))) throw AppError.notFound('Template');
    await recordAudit(tx, actor, 'template.delete', { type: 'template', id: templateId });
  });
}
