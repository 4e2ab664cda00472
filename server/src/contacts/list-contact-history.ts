import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { canSeeSession } from '../sessions/session-access.js';
import { contactView } from './contact-view.js';
import { messagesOfSessions, sessionsOfContact } from './contacts.repo.js';
import { decodeCursor, encodeCursor } from '../http/page-cursor.js';

/**
 * The contact's history: every session on every channel that the caller may see (the one rule,
 * `canSeeSession`), newest first, each with its messages in time order. Sessions the caller may not see are
 * skipped, not counted, so a page can hold fewer hidden ones without revealing them.
 */
export async function listContactHistory(
  deps: { database: Database },
  actor: Actor,
  contactId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  const db = deps.database.db;
  if (!(await contactView(db, actor.tenantId, contactId))) throw AppError.notFound('Contact');
  let beforeId = query.cursor ? decodeCursor(query.cursor, ['uuid'])[0] : undefined;
  const visible: Awaited<ReturnType<typeof sessionsOfContact>> = [];
  let more = false;
  // Reads in batches until the page is full: the visibility rule is applied per session, in code.
  for (;;) {
    const batch = await sessionsOfContact(db, actor.tenantId, contactId, {
      limit: query.limit + 1,
      beforeId,
    });
    for (const session of batch) {
      if (!(await canSeeSession(db, actor, session))) continue;
      if (visible.length === query.limit) {
        more = true;
        break;
      }
      visible.push(session);
    }
    const last = batch.at(-1);
    if (more || batch.length <= query.limit || !last) break;
    beforeId = last.id;
  }
  const messages = await messagesOfSessions(
    db,
    actor.tenantId,
    visible.map((s) => s.id),
  );
  const items = visible.map(({ tenantId: _t, ...session }) => ({
    ...session,
    messages: messages.filter((m) => m.sessionId === session.id).map(({ sessionId: _s, ...m }) => m),
  }));
  if (actor.kind === 'api_key')
    await recordAudit(db, actor, 'contact.read', { type: 'contact', id: contactId }, { via: 'history' });
  const last = visible.at(-1);
  return { items, nextCursor: more && last ? encodeCursor([last.id]) : null };
}
