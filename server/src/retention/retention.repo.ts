import { and, count, eq, inArray, or, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { files, messages, sessions } from '../db/schema.js';

/** Tenants that keep ended sessions for a limited time, with their period in days. */
export async function tenantsWithRetention(db: Executor) {
  return queryRows<{ id: string; days: number }>(
    db,
    sql`SELECT id, (settings ->> 'retentionDays')::int AS days FROM tenants
        WHERE jsonb_typeof(settings -> 'retentionDays') = 'number'
          AND (settings ->> 'retentionDays')::numeric BETWEEN 1 AND 3650`,
  );
}

/**
 * Locks up to `limit` of the tenant's sessions that ended before `before`, oldest first. A session is created
 * before it ends, so `created_at` narrows the read to the tenant's index; rows another transaction holds are
 * skipped (a second worker takes the next ones; the next run takes them).
 */
export async function lockExpiredSessions(db: Executor, tenantId: string, before: Date, limit: number) {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM sessions
        WHERE tenant_id = ${tenantId} AND state = 'ended' AND created_at < ${before.toISOString()}::timestamptz
          AND ended_at < ${before.toISOString()}::timestamptz
        ORDER BY ended_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
  );
  return rows.map((r) => r.id);
}

/**
 * Deletes these sessions and everything of them: the file rows (returned, for their stored objects), then the
 * sessions, whose messages, outbox rows, timeline, participants, offers and tags go with them (foreign keys
 * with ON DELETE CASCADE). Resolves with the counts and the files.
 */
export async function deleteSessions(db: Executor, tenantId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return { sessions: 0, messages: 0, files: [] };
  const ofSessions = and(eq(messages.tenantId, tenantId), inArray(messages.sessionId, sessionIds));
  // A file belongs to a session directly or through one of its messages.
  const deletedFiles = await db
    .delete(files)
    .where(
      and(
        eq(files.tenantId, tenantId),
        or(
          inArray(files.sessionId, sessionIds),
          inArray(files.messageId, db.select({ id: messages.id }).from(messages).where(ofSessions)),
        ),
      ),
    )
    .returning({ id: files.id, storageKey: files.storageKey });
  const [counted] = await db.select({ n: count() }).from(messages).where(ofSessions);
  const deleted = await db
    .delete(sessions)
    .where(and(eq(sessions.tenantId, tenantId), inArray(sessions.id, sessionIds)))
    .returning({ id: sessions.id });
  return { sessions: deleted.length, messages: counted?.n ?? 0, files: deletedFiles };
}
