import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { findGroup } from '../groups/groups.repo.js';
import { AppError } from '../http/app-error.js';
import { TEMPLATE_VARIABLES, unknownVariables } from './render-template.js';
import {
  findTemplate,
  insertTemplate,
  lockTenantTemplates,
  templateNameTaken,
  updateTemplateRow,
} from './templates.repo.js';

export interface TemplateInput {
  name?: string | undefined;
  body?: string | undefined;
  groupId?: string | null | undefined;
}

/**
 * Creates a template, or changes one when `templateId` is given. A variable this version cannot fill is
 * refused with its name, so a typo never reaches a customer as an empty gap. Names are unique in a tenant, any
 * case, whatever the templates' groups: an operator of two groups picks from both lists at once.
 */
export async function saveTemplate(
  deps: { database: Database },
  actor: Actor,
  templateId: string | undefined,
  input: TemplateInput,
) {
  const name = input.name?.trim();
  if (input.name !== undefined && !name) throw new AppError('validation_failed', 'A template needs a name');
  if (input.body !== undefined) {
    const unknown = unknownVariables(input.body);
    if (unknown.length)
      throw new AppError('unprocessable', `Unknown template variable: ${unknown.join(', ')}`, {
        unknownVariables: unknown,
        knownVariables: TEMPLATE_VARIABLES,
      });
  }
  return deps.database.db.transaction(async (tx) => {
    await lockTenantTemplates(tx, actor.tenantId);
    if (templateId && !(await findTemplate(tx, actor.tenantId, templateId)))
      throw AppError.notFound('Template');
    if (name && (await templateNameTaken(tx, actor.tenantId, name, templateId)))
      throw AppError.alreadyExists('name', 'A template with this name already exists');
    if (input.groupId && !(await findGroup(tx, actor.tenantId, input.groupId)))
      throw AppError.notFound('Group');
    let id = templateId;
    if (id) {
      await updateTemplateRow(tx, actor.tenantId, id, {
        ...(name ? { name } : {}),
        ...(input.body !== undefined ? { body: input.body } : {}),
        ...(input.groupId !== undefined ? { groupId: input.groupId } : {}),
      });
    } else {
      id = (
        await insertTemplate(tx, {
          tenantId: actor.tenantId,
          name: name!,
          body: input.body!,
          groupId: input.groupId ?? null,
        })
      ).id;
    }
    await recordAudit(
      tx,
      actor,
      templateId ? 'template.update' : 'template.create',
      { type: 'template', id },
      { name, groupId: input.groupId },
    );
    return (await findTemplate(tx, actor.tenantId, id))!;
  });
}
