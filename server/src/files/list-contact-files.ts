import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { canSeeSession } from '../sessions/session-access.js';
import { listSessionFiles, sessionsOfContact } from './files.repo.js';

/** A contact's files across their sessions, from the sessions the actor may see (ended ones too). */
export async function listContactFiles(deps: { database: Database }, actor: Actor, contactId: string) {
  const db = deps.database.db;
  const visible = [];
  for (const session of await sessionsOfContact(db, actor.tenantId, contactId)) {
    if (await canSeeSession(db, actor, session)) visible.push(session.id);
  }
  return listSessionFiles(db, actor.tenantId, visible);
}
