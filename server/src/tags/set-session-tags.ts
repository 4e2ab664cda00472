import type { Actor } from '../auth/actor.js';
import type { Database, Executor } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import { findVisibleSession } from '../sessions/session-access.js';
import { replaceSessionTags, tagsOfSession, tenantTags } from './tags.repo.js';

/** Replaces the tags of a session the caller may see, and tells everyone who sees the session. */
export async function setSessionTags(
  deps: { database: Database },
  actor: Actor,
  sessionId: string,
  tagIds: string[],
) {
  return deps.database.db.transaction(async (tx) => {
    const session = await findVisibleSession(tx, actor, sessionId);
    return applySessionTags(tx, actor.tenantId, session, tagIds);
  });
}

/**
 * The same inside the caller's transaction, for a use case that sets tags as part of something larger (the
 * wrap-up at the end of a session). The caller has checked that the session may be changed.
 */
export async function applySessionTags(
  tx: Executor,
  tenantId: string,
  session: { id: string; groupId: string | null },
  tagIds: string[],
) {
  const unique = [...new Set(tagIds)];
  const known = await tenantTags(tx, tenantId, unique);
  if (known.length !== unique.length) throw AppError.notFound('Tag');
  await replaceSessionTags(tx, tenantId, session.id, unique);
  const tags = await tagsOfSession(tx, tenantId, session.id);
  const targetRooms = [rooms.session(session.id), ...(session.groupId ? [rooms.group(session.groupId)] : [])];
  await recordEvent(tx, tenantId, 'session.tags.changed', targetRooms, { sessionId: session.id, tags });
  return tags;
}
