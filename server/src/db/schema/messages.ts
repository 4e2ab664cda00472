import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { sessions } from './sessions.js';
import { at, createdAt, id, tenantId } from './tenants.js';

/*
 * Messages, the outbox that sends them, and files.
 */

export const messages = pgTable(
  'messages',
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    channelAccountId: uuid('channel_account_id').notNull(),
    direction: text('direction').$type<'in' | 'out' | 'internal'>().notNull(),
    authorKind: text('author_kind').$type<'customer' | 'operator' | 'system' | 'page_inbox'>().notNull(),
    authorUserId: uuid('author_user_id'),
    text: text('text'),
    quotedMessageId: uuid('quoted_message_id'),
    /** wamid, Messenger mid, or our own id for web chat. */
    channelMessageId: text('channel_message_id'),
    /** Idempotency key from the sender (widget, workspace, API). */
    clientMessageId: text('client_message_id'),
    status: text('status')
      .$type<'received' | 'sending' | 'sent' | 'delivered' | 'read' | 'error'>()
      .notNull(),
    errorCode: text('error_code'),
    errorReason: text('error_reason'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    statusAt: at('status_at'),
    /** Insertion order: a session's timeline order, even for messages with the same timestamp. */
    position: bigserial('position', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('messages_session_idx').on(t.sessionId, t.position),
    uniqueIndex('messages_channel_message_key').on(t.channelAccountId, t.channelMessageId),
    uniqueIndex('messages_client_message_key').on(t.sessionId, t.clientMessageId),
    // A session's unread count (every view of it) reads only its unread messages, however long the session.
    index('messages_unread_idx')
      .on(t.sessionId)
      .where(sql`${t.direction} = 'in' and ${t.status} = 'received'`),
  ],
);

/**
 * The outbox: a WhatsApp or Messenger message committed for sending, kept until its channel accepts it or it fails
 * for good (sessions/outbox.ts). A row is due from `available_at`; a claim moves that past the longest send (a
 * lease), so the row of a process that died mid-send is claimed again once the lease has run out.
 */
export const outbox = pgTable(
  'outbox',
  {
    messageId: uuid('message_id')
      .primaryKey()
      .references(() => messages.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id').notNull(),
    /** Claims so far: the attempt a claim starts is this number. */
    attempts: integer('attempts').notNull().default(0),
    availableAt: at('available_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [index('outbox_available_idx').on(t.availableAt)],
);

export const files = pgTable(
  'files',
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    size: bigint('size', { mode: 'number' }),
    sha256: text('sha256'),
    contentType: text('content_type'),
    declaredType: text('declared_type'),
    storageKey: text('storage_key'),
    preview: jsonb('preview').$type<Record<string, unknown>>(),
    status: text('status').$type<'pending' | 'stored' | 'blocked' | 'error'>().notNull(),
    error: text('error'),
    createdBy: text('created_by').$type<'customer' | 'operator' | 'system'>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('files_session_idx').on(t.sessionId, t.createdAt),
    index('files_message_idx').on(t.messageId),
  ],
);
