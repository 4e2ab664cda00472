import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { channelAccounts } from './channels.js';
import { contacts } from './contacts.js';
import { tags, wrapupReasons } from './library.js';
import { groups, users } from './operators.js';
import { at, createdAt, id, tenantId } from './tenants.js';

/*
 * Sessions, their operators, offers, timelines and tags.
 */

export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    tenantId: tenantId(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id),
    channelAccountId: uuid('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id),
    channel: text('channel').$type<'webchat' | 'whatsapp' | 'messenger'>().notNull(),
    groupId: uuid('group_id').references(() => groups.id),
    state: text('state').$type<'waiting' | 'offered' | 'active' | 'ended'>().notNull(),
    priority: integer('priority').notNull().default(0),
    /** The page a web chat was started on, shown to operators as the source. */
    sourceUrl: text('source_url'),
    resumedFromId: uuid('resumed_from_id'),
    /** When the customer entered the queue; queue order and the 168 h Messenger end run from it. */
    queuedAt: at('queued_at').notNull().defaultNow(),
    acceptedAt: at('accepted_at'),
    endedAt: at('ended_at'),
    endReason: text('end_reason'),
    wrapupReasonId: uuid('wrapup_reason_id').references(() => wrapupReasons.id),
    wrapupNote: text('wrapup_note'),
    lastCustomerMessageAt: at('last_customer_message_at'),
    lastMessageAt: at('last_message_at'),
    /** Who ended it: an operator, the customer, or the system (auto-end). */
    endedBy: text('ended_by').$type<'operator' | 'customer' | 'system'>(),
    endedByUserId: uuid('ended_by_user_id'),
    /** The customer's star rating at the end (web chat), 1–5. */
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    /** Who opened it: the customer writing in, or an operator with an outbound WhatsApp template. */
    origin: text('origin').$type<'customer' | 'operator'>().notNull().default('customer'),
    /** The channel refused free text before the window's end (WhatsApp 131047); a customer message clears it. */
    windowClosedAt: at('window_closed_at'),
    /** After an outbound template the composer is locked until the customer answers. */
    lockedUntilReply: boolean('locked_until_reply').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    // At most one open session per contact and channel account: the database settles concurrent first messages.
    uniqueIndex('sessions_open_key')
      .on(t.tenantId, t.contactId, t.channelAccountId)
      .where(sql`${t.state} <> 'ended'`),
    index('sessions_tenant_open_idx')
      .on(t.tenantId, t.groupId, t.priority, t.queuedAt)
      .where(sql`${t.state} <> 'ended'`),
    // A group's queue in the order it is offered: a dispatch reads as many as there are free places, not the
    // whole queue sorted.
    index('sessions_queue_idx')
      .on(t.tenantId, t.groupId, t.priority.desc().nullsFirst(), t.queuedAt)
      .where(sql`${t.state} = 'waiting'`),
    index('sessions_contact_idx').on(t.tenantId, t.contactId, t.createdAt),
    index('sessions_tenant_created_idx').on(t.tenantId, t.createdAt),
  ],
);

export const sessionParticipants = pgTable(
  'session_participants',
  {
    /** One row per stay: an operator who leaves and comes back (conference) gets a new row. */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role').$type<'owner' | 'guest'>().notNull(),
    joinedAt: at('joined_at').notNull().defaultNow(),
    leftAt: at('left_at'),
  },
  (t) => [
    index('session_participants_session_idx').on(t.sessionId),
    index('session_participants_user_open_idx')
      .on(t.userId)
      .where(sql`${t.leftAt} is null`),
  ],
);

/**
 * The proposal of a session to an operator. A queue offer goes to one operator at a time (utilisation mode) or to
 * every available member (whole-group mode); transfer and conference offers go to one chosen operator.
 */
export const sessionOffers = pgTable(
  'session_offers',
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'queue' | 'transfer' | 'conference'>().notNull(),
    state: text('state')
      .$type<'pending' | 'accepted' | 'expired' | 'withdrawn' | 'declined'>()
      .notNull()
      .default('pending'),
    fromUserId: uuid('from_user_id'),
    createdAt: createdAt(),
    expiresAt: at('expires_at').notNull(),
    resolvedAt: at('resolved_at'),
  },
  (t) => [
    index('session_offers_session_idx').on(t.sessionId, t.state),
    index('session_offers_user_pending_idx')
      .on(t.userId)
      .where(sql`${t.state} = 'pending'`),
    uniqueIndex('session_offers_pending_key')
      .on(t.sessionId, t.userId)
      .where(sql`${t.state} = 'pending'`),
    // A time-out expires every pending offer of its tenant that is past its time (offer-timeout.job.ts).
    index('session_offers_tenant_due_idx')
      .on(t.tenantId, t.expiresAt)
      .where(sql`${t.state} = 'pending'`),
  ],
);

export const sessionEvents = pgTable(
  'session_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    actorKind: text('actor_kind').$type<'operator' | 'customer' | 'system' | 'api'>().notNull(),
    actorUserId: uuid('actor_user_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('session_events_session_idx').on(t.sessionId, t.id)],
);

export const sessionTags = pgTable(
  'session_tags',
  {
    tenantId: tenantId(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.tagId] }), index('session_tags_tag_idx').on(t.tagId)],
);
