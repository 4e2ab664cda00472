import { and, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import type { Executor } from '../db/database.js';
import { sessions } from '../db/schema.js';
import { AppError } from '../http/app-error.js';
import { canSeeSession } from '../sessions/session-access.js';
import { findFile, type FileRow } from './files.repo.js';

/**
 * Loads a file the actor may see: whoever may see its session (the one rule in session-access.ts). A file of no
 * session is for administrators and API keys only. Anything else is 404, so another tenant learns nothing.
 */
export async function findVisibleFile(db: Executor, actor: Actor, fileId: string): Promise<FileRow> {
  const file = await findFile(db, actor.tenantId, fileId);
  if (!file) throw AppError.notFound('File');
  if (file.sessionId) {
    const [session] = await db
      .select({ id: sessions.id, tenantId: sessions.tenantId, groupId: sessions.groupId })
      .from(sessions)
      .where(and(eq(sessions.id, file.sessionId), eq(sessions.tenantId, actor.tenantId)));
    if (session && (await canSeeSession(db, actor, session))) return file;
  } else if (actor.groupIds === 'all') {
    return file;
  }
  throw AppError.notFound('File');
}
