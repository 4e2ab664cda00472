import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { findTag, insertTag, tagNameTaken, updateTagRow } from './tags.repo.js';

/** Creates a tag, or changes one when `tagId` is given. Names are unique in a tenant, whatever their case. */
export async function saveTag(
  deps: { database: Database },
  actor: Actor,
  tagId: string | undefined,
  fields: { name?: string | undefined; color?: string | null | undefined },
) {
  const name = fields.name?.trim();
  if (fields.name !== undefined && !name) throw new AppError('validation_failed', 'A tag needs a name');
  return deps.database.db.transaction(async (tx) => {
    if (tagId && !(await findTag(tx, actor.tenantId, tagId))) throw AppError.notFound('Tag');
    if (name && (await tagNameTaken(tx, actor.tenantId, name, tagId))) throw duplicate();
    let id = tagId;
    if (id) {
      await updateTagRow(tx, actor.tenantId, id, {
        ...(name ? { name } : {}),
        ...(fields.color !== undefined ? { color: fields.color } : {}),
      });
    } else {
      const row = await insertTag(tx, { tenantId: actor.tenantId, name: name!, color: fields.color ?? null });
      if (!row) throw duplicate();
      id = row.id;
    }
    await recordAudit(
      tx,
      actor,
      tagId ? 'tag.update' : 'tag.create',
      { type: 'tag', id },
      { name, color: fields.color },
    );
    return (await findTag(tx, actor.tenantId, id))!;
  });
}

const duplicate = () => AppError.alreadyExists('name', 'A tag with this name already exists');
