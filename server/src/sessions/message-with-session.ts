import type { PgInsertValue, PgTable } from 'drizzle-orm/pg-core';
import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import { prebuilt, type Executor } from '../db/database.js';
import { messages, sessions } from '../db/schema.js';
import { findStoredMessage, type MessageRow, type SessionRow } from './sessions.repo.js';

/*
 * A message stored with what it changes on its session, in one statement: an operator's reply, a customer's
 * message. The statements are built once, with placeholders for what changes.
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

const operatorMessageStatement = prebuilt('insert_operator_message', (db) =>
  messageWithSession(
    db,
    {
      tenantId: placeholder('tenantId'),
      sessionId: placeholder('sessionId'),
      channelAccountId: placeholder('channelAccountId'),
      direction: 'out',
      authorKind: 'operator',
      authorUserId: placeholder('authorUserId'),
      text: placeholder('text'),
      quotedMessageId: placeholder('quotedMessageId'),
      clientMessageId: placeholder('clientMessageId'),
      status: 'sending',
      metadata: placeholder('metadata'),
      createdAt: placeholder('createdAt'),
    },
    { lastMessageAt: placeholder('createdAt') as unknown as Date },
  ),
);

/**
 * An operator's message and the session's last activity, in one statement: the message is inserted unless the
 * composer's id is already stored (a send repeated after a network loss), and only an inserted message moves the
 * session's `last_message_at`. A repeated send answers the message stored first (one read) and no session.
 */
export async function insertOperatorMessage(
  tx: Executor,
  message: OperatorMessage,
): Promise<{ message: MessageRow; session?: SessionRow }> {
  const [both] = await operatorMessageStatement(tx, { ...message });
  return both ?? { message: await findStoredMessage(tx, message) };
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
