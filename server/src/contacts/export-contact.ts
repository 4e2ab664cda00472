import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { contactView } from './contact-view.js';
import {
  allSessionIdsOf,
  blacklistEntriesOf,
  filesOfSessions,
  messagesOfSessions,
  sessionsOfContact,
  tagNamesOfSessions,
  timelineOfSessions,
} from './contacts.repo.js';

/**
 * Everything the tenant holds about a contact (GDPR access request): the card, identities, blacklist entries,
 * and every session with its messages, files (metadata; the bytes are downloaded through the files API), tags
 * and timeline. The export itself is written to the audit log.
 */
export async function exportContact(
  deps: { database: Database; now: () => Date },
  actor: Actor,
  contactId: string,
) {
  const db = deps.database.db;
  const contact = await contactView(db, actor.tenantId, contactId);
  if (!contact) throw AppError.notFound('Contact');
  const sessionIds = await allSessionIdsOf(db, actor.tenantId, contactId);
  const sessions = await sessionsOfContact(db, actor.tenantId, contactId, { limit: sessionIds.length + 1 });
  const [messages, tags, files, timeline] = await Promise.all([
    messagesOfSessions(db, actor.tenantId, sessionIds),
    tagNamesOfSessions(db, actor.tenantId, sessionIds),
    filesOfSessions(db, actor.tenantId, sessionIds),
    timelineOfSessions(db, actor.tenantId, sessionIds),
  ]);
  const of = <T extends { sessionId: string | null }>(rows: T[], id: string) =>
    rows.filter((r) => r.sessionId === id).map(({ sessionId: _s, ...rest }) => rest);
  await recordAudit(
    db,
    actor,
    'contact.export',
    { type: 'contact', id: contactId },
    { sessions: sessionIds.length },
  );
  return {
    exportedAt: deps.now(),
    contact,
    blacklistEntries: await blacklistEntriesOf(db, actor.tenantId, contactId),
    sessions: sessions.map(({ tenantId: _t, ...session }) => ({
      ...session,
      messages: of(messages, session.id),
      tags: of(tags, session.id).map((t) => t.name),
      files: of(files, session.id).map(({ storageKey: _k, ...f }) => f),
      timeline: of(timeline, session.id),
    })),
  };
}
