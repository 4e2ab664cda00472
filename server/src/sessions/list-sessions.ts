import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import { queryRows, type Executor } from '../db/database.js';
import { decodeCursor, encodeCursor } from '../http/page-cursor.js';
import { sessionViews } from './session-view.js';

export interface SessionFilters {
  state?: 'waiting' | 'offered' | 'active' | 'ended' | 'open' | undefined;
  channel?: string | undefined;
  groupId?: string | undefined;
  operatorId?: string | undefined;
  tagId?: string | undefined;
  contactId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Contact name, e-mail or phone. */
  q?: string | undefined;
  /** Only sessions the actor takes part in now. */
  mine?: boolean | undefined;
  limit: number;
  /** The previous page's `nextCursor`: its last row's time and id. */
  cursor?: string | undefined;
}

/** The session table: the sessions the actor may see, newest first, filtered and paged. */
export async function listSessions(db: Executor, actor: Actor, filters: SessionFilters) {
  const where: SQL[] = [sql`s.tenant_id = ${actor.tenantId}`];
  if (actor.groupIds !== 'all') {
    const groups = actor.groupIds.length
      ? sql`s.group_id IN (${sql.join(
          actor.groupIds.map((g) => sql`${g}`),
          sql`, `,
        )})`
      : sql`false`;
    where.push(
      sql`(${groups} OR EXISTS (SELECT 1 FROM session_participants sp WHERE sp.session_id = s.id AND sp.user_id = ${actor.id} AND sp.left_at IS NULL))`,
    );
  }
  if (filters.state === 'open') where.push(sql`s.state <> 'ended'`);
  else if (filters.state) where.push(sql`s.state = ${filters.state}`);
  if (filters.channel) where.push(sql`s.channel = ${filters.channel}`);
  if (filters.groupId) where.push(sql`s.group_id = ${filters.groupId}`);
  if (filters.contactId) where.push(sql`s.contact_id = ${filters.contactId}`);
  if (filters.operatorId)
    where.push(
      sql`EXISTS (SELECT 1 FROM session_participants sp WHERE sp.session_id = s.id AND sp.user_id = ${filters.operatorId})`,
    );
  if (filters.mine)
    where.push(
      sql`EXISTS (SELECT 1 FROM session_participants sp WHERE sp.session_id = s.id AND sp.user_id = ${actor.id} AND sp.left_at IS NULL)`,
    );
  if (filters.tagId)
    where.push(
      sql`EXISTS (SELECT 1 FROM session_tags st WHERE st.session_id = s.id AND st.tag_id = ${filters.tagId})`,
    );
  if (filters.from) where.push(sql`s.created_at >= ${filters.from}`);
  if (filters.to) where.push(sql`s.created_at < ${filters.to}`);
  if (filters.q) {
    const like = `%${filters.q.replace(/[\\%_]/g, '\\$&')}%`;
    where.push(
      sql`EXISTS (SELECT 1 FROM contacts c WHERE c.id = s.contact_id AND (c.name ILIKE ${like} OR c.email ILIKE ${like} OR c.phone ILIKE ${like}))`,
    );
  }
  if (filters.cursor) {
    const [at, id] = decodeCursor(filters.cursor, ['date', 'uuid']);
    where.push(sql`(s.created_at, s.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  // The page's last time to the microsecond, as stored: the sessions one transaction opens share it, and a cursor
  // cut to milliseconds would pass over those left for the next page.
  const rows = await queryRows<{ id: string; created_at: string }>(
    db,
    sql`SELECT s.id, to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at
        FROM sessions s WHERE ${sql.join(where, sql` AND `)}
        ORDER BY s.created_at DESC, s.id DESC LIMIT ${filters.limit + 1}`,
  );
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    items: await sessionViews(
      db,
      actor.tenantId,
      page.map((r) => r.id),
    ),
    nextCursor: rows.length > filters.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}
