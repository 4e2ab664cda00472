import type { PgInsertValue, PgTable } from 'drizzle-orm/pg-core';
import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { prebuilt, queryText, type Executor } from '../db/database.js';
import { rowFromJson } from '../db/row-from-json.js';
import { messages, sessions } from '../db/schema.js';
import { findStoredMessage, type MessageRow, type SessionRow } from './sessions.repo.js';

/*
 * A message stored with what it changes on its session, in one statement: operators' replies, a customer's
 * message.
 */

const placeholder = (name: keyof OperatorMessage | keyof CustomerMessage) => sql.placeholder(name);

/** What `insertOperatorMessage` stores: an operator's message to the customer, on its way out. */
export interface OperatorMessage {
  tenantId: string;
  sessionId: string;
  channelAccountId: string;
  authorUserId: string;
  text: string | null;
  metadata: Record<string, unknown>;
  quotedMessageId: string | null;
  clientMessageId: string | null;
  createdAt: Date;
}

/**
 * Operators' messages and their sessions' last activity, in one statement: each message is inserted unless its
 * composer's id is already stored in its session (a send repeated after a network loss), and a session moves its
 * `last_message_at` to its latest inserted message. One row per given message, in the given order, with the
 * message and its session when it was inserted.
 */
const INSERT_OPERATOR_MESSAGES = `
  WITH given AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(n int, id uuid, tenant_id uuid, session_id uuid,
      channel_account_id uuid, author_user_id uuid, text text, quoted_message_id uuid, client_message_id text,
      metadata jsonb, created_at timestamptz)
  ), inserted AS (
    INSERT INTO messages (id, tenant_id, session_id, channel_account_id, direction, author_kind, author_user_id,
      text, quoted_message_id, client_message_id, status, metadata, created_at)
    SELECT id, tenant_id, session_id, channel_account_id, 'out', 'operator', author_user_id, text,
      quoted_message_id, client_message_id, 'sending', metadata, created_at
    FROM given ORDER BY n
    ON CONFLICT DO NOTHING
    RETURNING *
  ), updated AS (
    UPDATE sessions s SET last_message_at = latest.at
    FROM (SELECT session_id, max(created_at) AS at FROM inserted GROUP BY session_id) AS latest
    -- The sessions by primary key, not a scan of the table joined by hash.
    WHERE s.id = ANY (ARRAY(SELECT session_id FROM given)) AND s.id = latest.session_id
    RETURNING s.*
  )
  SELECT g.n, to_jsonb(i) AS message, to_jsonb(u) AS session
  FROM given g
  LEFT JOIN inserted i ON i.id = g.id
  LEFT JOIN updated u ON u.id = i.session_id
  ORDER BY g.n`;

/**
 * Operators' messages with their sessions' last activity, in one statement (`INSERT_OPERATOR_MESSAGES`). A repeated
 * send answers the message stored first (one read each) and no session.
 */
export async function insertOperatorMessages(
  tx: Executor,
  given: OperatorMessage[],
): Promise<Array<{ message: MessageRow; session?: SessionRow }>> {
  const rows = await queryText<{
    n: number;
    message: Record<string, unknown> | null;
    session: Record<string, unknown> | null;
  }>(
    tx,
    INSERT_OPERATOR_MESSAGES,
    [
      JSON.stringify(
        given.map((message, n) => ({
          n,
          id: randomUUID(),
          tenant_id: message.tenantId,
          session_id: message.sessionId,
          channel_account_id: message.channelAccountId,
          author_user_id: message.authorUserId,
          text: message.text,
          quoted_message_id: message.quotedMessageId,
          client_message_id: message.clientMessageId,
          metadata: message.metadata,
          created_at: message.createdAt.toISOString(),
        })),
      ),
    ],
    { prepareAs: 'insert_operator_messages' },
  );
  const stored = [];
  for (const row of rows) {
    if (!row.message) {
      stored.push({ message: await findStoredMessage(tx, given[row.n]!) });
      continue;
    }
    const message = rowFromJson(messages, row.message);
    stored.push(row.session ? { message, session: rowFromJson(sessions, row.session) } : { message });
  }
  return stored;
}

/** One operator's message: `insertOperatorMessages` of one. */
export async function insertOperatorMessage(
  tx: Executor,
  message: OperatorMessage,
): Promise<{ message: MessageRow; session?: SessionRow }> {
  const [stored] = await insertOperatorMessages(tx, [message]);
  return stored!;
}

/** What `insertCustomerMessage` stores: a customer's message, and when the customer sent it. */
export interface CustomerMessage {
  tenantId: string;
  sessionId: string;
  channelAccountId: string;
  text: string | null;
  quotedMessageId: string | null;
  channelMessageId: string;
  clientMessageId: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  sentAt: Date;
}

const customerMessageStatement = prebuilt('insert_customer_message', (db) =>
  messageWithSession(
    db,
    {
      tenantId: placeholder('tenantId'),
      sessionId: placeholder('sessionId'),
      channelAccountId: placeholder('channelAccountId'),
      direction: 'in',
      authorKind: 'customer',
      text: placeholder('text'),
      quotedMessageId: placeholder('quotedMessageId'),
      channelMessageId: placeholder('channelMessageId'),
      clientMessageId: placeholder('clientMessageId'),
      status: 'received',
      metadata: placeholder('metadata'),
      createdAt: placeholder('createdAt'),
    },
    // The customer wrote: the channel's window opens again, and a reply lock (after an outbound template) ends.
    {
      lastCustomerMessageAt: placeholder('sentAt') as unknown as Date,
      lastMessageAt: placeholder('createdAt') as unknown as Date,
      windowClosedAt: null,
      lockedUntilReply: false,
    },
  ),
);

/**
 * A message's insert and its session's update in one statement (data-modifying CTEs): the message is inserted
 * unless a unique key of it is already stored, and only an inserted message updates the session. One row with both,
 * or none for a message stored before.
 */
function messageWithSession(
  db: Executor,
  message: PgInsertValue<typeof messages>,
  patch: Partial<typeof sessions.$inferInsert>,
) {
  const inserted = db
    .$with('inserted')
    .as(db.insert(messages).values(message).onConflictDoNothing().returning());
  const updated = db.$with('updated').as(
    db
      .update(sessions)
      .set(patch)
      .where(and(eq(sessions.id, message.sessionId), sql`EXISTS (SELECT 1 FROM ${inserted})`))
      .returning(),
  );
  return db
    .with(inserted, updated)
    .select({ message: fieldsOf(inserted, messages), session: fieldsOf(updated, sessions) })
    .from(inserted)
    .crossJoin(updated);
}

/**
 * A customer's message and what it changes on its session, in one statement: the message is inserted unless it
 * is a duplicate delivery (the channel's id is known), and only a message that was inserted updates the session.
 * Returns both rows; a duplicate returns the message stored first and no session.
 */
export async function insertCustomerMessage(
  tx: Executor,
  message: CustomerMessage,
): Promise<{ message: MessageRow; session?: SessionRow }> {
  const [both] = await customerMessageStatement(tx, { ...message });
  return both ?? { message: await findStoredMessage(tx, message) };
}

/** Every column of a table, as a CTE that returned its whole rows exposes them (for selecting them by name). */
function fieldsOf<T extends PgTable>(cte: object, table: T): T['_']['columns'] {
  return Object.fromEntries(
    Object.keys(getTableColumns(table)).map((key) => [key, (cte as Record<string, unknown>)[key]]),
  ) as T['_']['columns'];
}
