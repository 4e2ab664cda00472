import { randomUUID } from 'node:crypto';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { and, asc, desc, eq, gt, inArray, isNull, sql, type SQLWrapper } from 'drizzle-orm';
import { queryRows, queryText, type Executor } from '../db/database.js';
import { inGivenOrder } from '../db/in-given-order.js';
import { rowFromJson } from '../db/row-from-json.js';
import { messages, sessionEvents, sessionParticipants, sessions, users } from '../db/schema.js';

export type SessionRow = typeof sessions.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

/** Reads a session and locks its row until the transaction ends. */
export async function lockSession(
  tx: Executor,
  tenantId: string,
  sessionId: string,
): Promise<SessionRow | undefined> {
  const [row] = await tx
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.tenantId, tenantId)))
    .for('update');
  return row;
}

/** Reads several sessions of a tenant and locks their rows, in the order of their ids (two such never deadlock). */
export async function lockSessions(
  tx: Executor,
  tenantId: string,
  sessionIds: string[],
): Promise<Map<string, SessionRow>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(sessions)
    .where(and(inArray(sessions.id, sessionIds), eq(sessions.tenantId, tenantId)))
    .orderBy(asc(sessions.id))
    .for('update');
  return new Map(rows.map((row) => [row.id, row]));
}

/** The open session of a contact (an id, or a column in a join) on a channel account: at most one (a unique index). */
export function isOpenSessionOf(
  tenantId: string | SQLWrapper,
  contactId: string | AnyPgColumn,
  channelAccountId: string | SQLWrapper,
) {
  return and(
    eq(sessions.tenantId, tenantId),
    eq(sessions.contactId, contactId),
    eq(sessions.channelAccountId, channelAccountId),
    sql`${sessions.state} <> 'ended'`,
  );
}

export async function findOpenSession(
  tx: Executor,
  tenantId: string,
  contactId: string,
  channelAccountId: string,
) {
  const [row] = await tx
    .select()
    .from(sessions)
    .where(isOpenSessionOf(tenantId, contactId, channelAccountId));
  return row;
}

export async function insertSession(tx: Executor, row: typeof sessions.$inferInsert): Promise<SessionRow> {
  const [created] = await tx.insert(sessions).values(row).returning();
  return created!;
}

export async function updateSession(
  tx: Executor,
  sessionId: string,
  patch: Partial<typeof sessions.$inferInsert>,
) {
  const [row] = await tx.update(sessions).set(patch).where(eq(sessions.id, sessionId)).returning();
  return row!;
}

export async function activeParticipants(tx: Executor, sessionId: string) {
  return tx
    .select({
      userId: sessionParticipants.userId,
      role: sessionParticipants.role,
      name: users.name,
      joinedAt: sessionParticipants.joinedAt,
    })
    .from(sessionParticipants)
    .innerJoin(users, eq(users.id, sessionParticipants.userId))
    .where(and(eq(sessionParticipants.sessionId, sessionId), isNull(sessionParticipants.leftAt)))
    .orderBy(asc(sessionParticipants.joinedAt));
}

export type Participant = Awaited<ReturnType<typeof activeParticipants>>[number];

/** `activeParticipants` of several sessions in one read, by session (a session without operators is absent). */
export async function activeParticipantsOf(
  tx: Executor,
  sessionIds: string[],
): Promise<Map<string, Participant[]>> {
  const bySession = new Map<string, Participant[]>();
  if (sessionIds.length === 0) return bySession;
  const rows = await tx
    .select({
      sessionId: sessionParticipants.sessionId,
      userId: sessionParticipants.userId,
      role: sessionParticipants.role,
      name: users.name,
      joinedAt: sessionParticipants.joinedAt,
    })
    .from(sessionParticipants)
    .innerJoin(users, eq(users.id, sessionParticipants.userId))
    .where(and(inArray(sessionParticipants.sessionId, sessionIds), isNull(sessionParticipants.leftAt)))
    .orderBy(asc(sessionParticipants.joinedAt));
  for (const { sessionId, ...participant } of rows)
    bySession.set(sessionId, [...(bySession.get(sessionId) ?? []), participant]);
  return bySession;
}

export async function addParticipant(
  tx: Executor,
  row: { tenantId: string; sessionId: string; userId: string; role: 'owner' | 'guest'; joinedAt: Date },
) {
  await tx.insert(sessionParticipants).values(row);
}

/** Marks participants as gone: one user, or everyone when `userId` is omitted. */
export async function removeParticipants(tx: Executor, sessionId: string, at: Date, userId?: string) {
  await tx
    .update(sessionParticipants)
    .set({ leftAt: at })
    .where(
      and(
        eq(sessionParticipants.sessionId, sessionId),
        isNull(sessionParticipants.leftAt),
        userId ? eq(sessionParticipants.userId, userId) : undefined,
      ),
    );
}

/**
 * A customer's first message opens a session: the session, waiting in its group, and its timeline's first entry
 * ("created"), in one statement. A concurrent first message of the same contact on the account fails it on the
 * open-session unique index (23505).
 */
const OPEN_CUSTOMER_SESSION = `
  WITH s AS (
    INSERT INTO sessions (id, tenant_id, contact_id, channel_account_id, channel, group_id, state, source_url,
      queued_at, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7, $8, $8)
    RETURNING *
  ), e AS (
    INSERT INTO session_events (tenant_id, session_id, type, actor_kind, data, created_at)
    VALUES ($2, $1, 'created', 'customer', json_build_object('groupId', $6::uuid), $8)
    RETURNING *
  )
  SELECT to_jsonb(s) AS session, to_jsonb(e) AS entry FROM s, e`;

export async function openCustomerSession(
  tx: Executor,
  row: {
    tenantId: string;
    contactId: string;
    channelAccountId: string;
    channel: string;
    groupId: string | null;
    sourceUrl: string | null;
    at: Date;
  },
) {
  const [opened] = await queryText<{ session: Record<string, unknown>; entry: Record<string, unknown> }>(
    tx,
    OPEN_CUSTOMER_SESSION,
    [
      randomUUID(),
      row.tenantId,
      row.contactId,
      row.channelAccountId,
      row.channel,
      row.groupId,
      row.sourceUrl,
      row.at.toISOString(),
    ],
    { prepareAs: 'open_customer_session' },
  );
  return {
    session: rowFromJson(sessions, opened!.session),
    entry: rowFromJson(sessionEvents, opened!.entry),
  };
}

export async function insertTimelineEntry(tx: Executor, row: typeof sessionEvents.$inferInsert) {
  const [entry] = await tx.insert(sessionEvents).values(row).returning();
  return entry!;
}

/** Timeline entries of several sessions, in one statement; answered in the given order. */
export async function insertTimelineEntries(tx: Executor, rows: Array<typeof sessionEvents.$inferInsert>) {
  if (rows.length === 0) return [];
  // Serial ids follow the rows' order, so ordering by them answers the given order.
  const entries = await tx.insert(sessionEvents).values(rows).returning();
  return entries.sort((a, b) => a.id - b.id);
}

/**
 * Sessions back to their group's queue (`waiting`), in one statement; those in `front` go ahead of everyone (a
 * transfer nobody took). Answers the sessions as they are now, in the given order.
 */
export async function returnToQueue(tx: Executor, sessionIds: string[], front: string[]) {
  if (sessionIds.length === 0) return [];
  const returned = await tx
    .update(sessions)
    .set({
      state: 'waiting',
      ...(front.length > 0
        ? {
            priority: sql`${sessions.priority} + CASE WHEN ${inArray(sessions.id, front)} THEN 10 ELSE 0 END`,
          }
        : {}),
    })
    .where(inArray(sessions.id, sessionIds))
    .returning();
  return inGivenOrder(returned, sessionIds);
}

export async function timelineOf(tx: Executor, sessionId: string) {
  return tx
    .select()
    .from(sessionEvents)
    .where(eq(sessionEvents.sessionId, sessionId))
    .orderBy(asc(sessionEvents.id));
}

export async function insertMessage(tx: Executor, row: typeof messages.$inferInsert): Promise<MessageRow> {
  const [created] = await tx.insert(messages).values(row).returning();
  return created!;
}

/** Inserts a message unless one with the same idempotency key exists; returns it and whether it is new. */
export async function insertMessageOnce(
  tx: Executor,
  row: typeof messages.$inferInsert,
): Promise<{ message: MessageRow; created: boolean }> {
  const [created] = await tx.insert(messages).values(row).onConflictDoNothing().returning();
  if (created) return { message: created, created: true };
  return { message: await findStoredMessage(tx, row), created: false };
}

/** The message stored before with the same idempotency key as `row` (its composer's id, else the channel's id). */
export async function findStoredMessage(
  tx: Executor,
  row: Pick<
    typeof messages.$inferInsert,
    'sessionId' | 'clientMessageId' | 'channelAccountId' | 'channelMessageId'
  >,
): Promise<MessageRow> {
  const [existing] = await tx
    .select()
    .from(messages)
    .where(
      row.clientMessageId
        ? and(eq(messages.sessionId, row.sessionId), eq(messages.clientMessageId, row.clientMessageId))
        : and(
            eq(messages.channelAccountId, row.channelAccountId),
            eq(messages.channelMessageId, row.channelMessageId!),
          ),
    );
  return existing!;
}

export async function findMessage(tx: Executor, sessionId: string, messageId: string) {
  const [row] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.sessionId, sessionId), eq(messages.id, messageId)));
  return row;
}

export async function messagesOfSession(
  tx: Executor,
  sessionId: string,
  options: { after?: Date; limit?: number } = {},
) {
  return tx
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.sessionId, sessionId),
        options.after ? gt(messages.createdAt, options.after) : undefined,
      ),
    )
    .orderBy(asc(messages.position))
    .limit(options.limit ?? 500);
}

/** The operator who owned the contact's most recent session, for sticky routing. */
export async function lastOwnerOfContact(
  tx: Executor,
  tenantId: string,
  contactId: string,
): Promise<string | undefined> {
  const [row] = await queryRows<{ user_id: string }>(
    tx,
    sql`SELECT sp.user_id FROM session_participants sp JOIN sessions s ON s.id = sp.session_id
        WHERE s.tenant_id = ${tenantId} AND s.contact_id = ${contactId} AND sp.role = 'owner'
        ORDER BY sp.joined_at DESC LIMIT 1`,
  );
  return row?.user_id;
}

/** A group's queue, first to be offered first: higher priority, then longest waiting. */
export async function waitingSessions(tx: Executor, tenantId: string, groupId: string, limit?: number) {
  const query = tx
    .select()
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.groupId, groupId), eq(sessions.state, 'waiting')))
    .orderBy(desc(sessions.priority), asc(sessions.queuedAt));
  return limit === undefined ? query : query.limit(limit);
}
