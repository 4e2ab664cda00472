import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { deleteTagRow, findTag, sessionsWithTag } from './tags.repo.js';

/** Deletes a tag; the sessions that carried it lose it (their history says nothing about a deleted label). */
export async function deleteTag(deps: { database: Database }, actor: Actor, tagId: string) {
  await deps.database.db.transaction(async (tx) => {
    const tag = await findTag(tx, actor.tenantId, tagId);
    if (!tag) throw AppError.notFound('Tag');
    const sessions = await sessionsWithTag(tx, actor.tenantId, tagId);
    await deleteTagRow(tx, actor.tenantId, tagId);
    await recordAudit(
      tx,
      actor,
      'tag.delete',
      { type: 'tag', id: tagId },
      { name: tag.name, sessions: sessions.length },
    );
  });
}
