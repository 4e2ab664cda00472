import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import { deleteTagRow, findTag, openSessionsWithTag, tagsOfSession } from './tags.repo.js';

/** Deletes a tag; the sessions that carried it lose it, and open ones tell their watchers. */
export async function deleteTag(deps: { database: Database }, actor: Actor, tagId: string) {
  await deps.database.db.transaction(async (tx) => {
    const tag = await findTag(tx, actor.tenantId, tagId);
    if (!tag) throw AppError.notFound('Tag');
    const open = await openSessionsWithTag(tx, actor.tenantId, tagId);
    await deleteTagRow(tx, actor.tenantId, tagId);
    for (const session of open) {
      await recordEvent(
        tx,
        actor.tenantId,
        'session.tags.changed',
        [rooms.session(session.id), ...(session.groupId ? [rooms.group(session.groupId)] : [])],
        { sessionId: session.id, tags: await tagsOfSession(tx, actor.tenantId, session.id) },
      );
    }
    await recordAudit(tx, actor, 'tag.delete', { type: 'tag', id: tagId }, { name: tag.name });
  });
}
