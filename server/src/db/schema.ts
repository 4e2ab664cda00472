import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/*
 * One schema for both drivers (embedded PGlite and PostgreSQL). Every domain table carries tenant_id, and every
 * list the product shows has an index from the start. Enumerations are text columns checked by the application
 * schemas: adding a value then needs no migration that rewrites a type.
 */

const id = () =>
  uuid('id')
    .primaryKey()
    .default(sql`gen_random_uuid()`);
const tenantId = () =>
  uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
const at = (name: string) => timestamp(name, { withTimezone: true });

export const tenants = pgTable('tenants', {
  id: id(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  /** Tenant-wide settings: wrap-up required, end-of-session text, blocked file types, retention. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

/** Per-tenant sequence of realtime events. Its row lock orders events in commit order. */
export const tenantEventCounters = pgTable('tenant_event_counters', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
});

export const users = pgTable(
  'users',
  {
    id: id(),
    tenantId: tenantId(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    role: text('role').$type<'operator' | 'supervisor' | 'admin'>().notNull(),
    /** Max concurrent sessions; per-channel limits, when the tenant sets them, live in channelCapacity. */
    capacity: integer('capacity').notNull().default(3),
    channelCapacity: jsonb('channel_capacity').$type<Record<string, number>>(),
    language: text('language').notNull().default('en'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Login is by e-mail alone, so an address belongs to one user across all tenants.
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    index('users_tenant_idx').on(t.tenantId, t.name),
  ],
);

export const groups = pgTable(
  'groups',
  {
    id: id(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    routingMode: text('routing_mode').$type<'utilisation' | 'whole_group'>().notNull().default('utilisation'),
    offerTimeoutSeconds: integer('offer_timeout_seconds').notNull().default(30),
    sticky: boolean('sticky').notNull().default(false),
    businessHours: jsonb('business_hours').$type<unknown>(),
    offlineMessage: text('offline_message'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('groups_tenant_name_key').on(t.tenantId, t.name)],
);

export const groupMembers = pgTable(
  'group_members',
  {
    tenantId: tenantId(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Overrides the user's capacity for sessions of this group, when set. */
    capacity: integer('capacity'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId)],
);

export const operatorPresence = pgTable(
  'operator_presence',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    tenantId: tenantId(),
    status: text('status').$type<'available' | 'away' | 'rona' | 'offline'>().notNull().default('offline'),
    awayReason: text('away_reason'),
    changedAt: at('changed_at').notNull().defaultNow(),
    /** When the operator last had no session: ties in utilisation routing go to the longest idle. */
    idleSince: at('idle_since'),
  },
  (t) => [index('operator_presence_tenant_idx').on(t.tenantId, t.status)],
);

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    tenantId: tenantId(),
    name: text('name'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    email: text('email'),
    phone: text('phone'),
    avatarUrl: text('avatar_url'),
    note: text('note'),
    mergedIntoId: uuid('merged_into_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('contacts_tenant_name_idx').on(t.tenantId, t.name),
    index('contacts_tenant_phone_idx').on(t.tenantId, t.phone),
  ],
);

export const contactIdentities = pgTable(
  'contact_identities',
  {
    id: id(),
    tenantId: tenantId(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'wa_id' | 'bsuid' | 'psid' | 'webchat_visitor' | 'phone' | 'email'>().notNull(),
    value: text('value').notNull(),
    /** Page-scoped identities (Messenger PSID, web chat visitor) belong to one channel account. */
    channelAccountId: uuid('channel_account_id'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('contact_identities_key').on(t.tenantId, t.kind, t.channelAccountId, t.value).nullsNotDistinct(),
    index('contact_identities_contact_idx').on(t.contactId),
  ],
);

export const channelAccounts = pgTable(
  'channel_accounts',
  {
    id: id(),
    tenantId: tenantId(),
    channel: text('channel').$type<'webchat' | 'whatsapp' | 'messenger'>().notNull(),
    name: text('name').notNull(),
    /** phone_number_id, page id, or the web chat widget's public key: how webhooks find the account. */
    externalId: text('external_id').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** Access tokens, app secret, verify token: AES-256-GCM with the configured key. */
    credentialsEncrypted: text('credentials_encrypted'),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('channel_accounts_external_key').on(t.channel, t.externalId),
    index('channel_accounts_tenant_idx').on(t.tenantId),
  ],
);

export const wrapupReasons = pgTable('wrapup_reasons', {
  id: id(),
  tenantId: tenantId(),
  name: text('name').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

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

/** A web chat visitor: the widget holds a token whose hash is here, and the visitor is a contact identity. */
export const webchatVisitors = pgTable(
  'webchat_visitors',
  {
    id: id(),
    tenantId: tenantId(),
    channelAccountId: uuid('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    lastSeenAt: at('last_seen_at'),
  },
  (t) => [index('webchat_visitors_contact_idx').on(t.contactId)],
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
 * A channel's rate-limit backoff shared by every app process: a whole sending account (`recipient` = '') or one
 * account–recipient pair (WhatsApp 131056) may not send before `holdUntil`.
 */
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

export const channelSendHolds = pgTable(
  'channel_send_holds',
  {
    tenantId: tenantId(),
    channelAccountId: uuid('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id, { onDelete: 'cascade' }),
    recipient: text('recipient').notNull().default(''),
    holdUntil: at('hold_until').notNull(),
    reason: text('reason'),
  },
  (t) => [primaryKey({ columns: [t.channelAccountId, t.recipient] })],
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

export const templates = pgTable(
  'templates',
  {
    id: id(),
    tenantId: tenantId(),
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('templates_tenant_idx').on(t.tenantId, t.name)],
);

export const whatsappTemplates = pgTable(
  'whatsapp_templates',
  {
    id: id(),
    tenantId: tenantId(),
    channelAccountId: uuid('channel_account_id')
      .notNull()
      .references(() => channelAccounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    language: text('language').notNull(),
    category: text('category').notNull(),
    status: text('status').notNull(),
    components: jsonb('components').$type<unknown[]>().notNull().default([]),
    syncedAt: at('synced_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('whatsapp_templates_key').on(t.channelAccountId, t.name, t.language)],
);

export const tags = pgTable(
  'tags',
  {
    id: id(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    color: text('color'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('tags_tenant_name_key').on(t.tenantId, t.name)],
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

export const routingRules = pgTable(
  'routing_rules',
  {
    id: id(),
    tenantId: tenantId(),
    position: integer('position').notNull(),
    /** Conditions: channel, channel account, time of day, language. */
    match: jsonb('match').$type<Record<string, unknown>>().notNull().default({}),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [index('routing_rules_tenant_idx').on(t.tenantId, t.position)],
);

export const blacklistEntries = pgTable(
  'blacklist_entries',
  {
    id: id(),
    tenantId: tenantId(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    identityKind: text('identity_kind'),
    identityValue: text('identity_value'),
    reason: text('reason'),
    createdAt: createdAt(),
  },
  (t) => [
    index('blacklist_contact_idx').on(t.tenantId, t.contactId),
    index('blacklist_identity_idx').on(t.tenantId, t.identityKind, t.identityValue),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    /** The visible start of the key, to tell keys apart in lists. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    role: text('role').$type<'operator' | 'supervisor' | 'admin'>().notNull(),
    createdByUserId: uuid('created_by_user_id'),
    createdAt: createdAt(),
    lastUsedAt: at('last_used_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [index('api_keys_tenant_idx').on(t.tenantId)],
);

export const authSessions = pgTable(
  'auth_sessions',
  {
    /** sha256 of the cookie's token: a database leak does not hand out live sessions. */
    id: text('id').primaryKey(),
    tenantId: tenantId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId)],
);

/** PostgreSQL's 64-bit transaction id, which the event relay compares with the oldest running transaction. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * Realtime events, written in the transaction that caused them without a sequence number; the relay
 * (realtime/event-relay.ts) numbers them per tenant once every older transaction has finished, so writers never
 * wait for each other and a client still gets a gap-free, final order.
 */
export const realtimeEvents = pgTable(
  'realtime_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    seq: bigint('seq', { mode: 'number' }),
    xid: xid8('xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    name: text('name').notNull(),
    rooms: text('rooms').array().notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('realtime_events_seq_key').on(t.tenantId, t.seq),
    index('realtime_events_pending_idx')
      .on(t.id)
      .where(sql`${t.seq} is null`),
    index('realtime_events_created_idx').on(t.createdAt),
  ],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    actorKind: text('actor_kind').$type<'user' | 'api_key' | 'system'>().notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_tenant_idx').on(t.tenantId, t.createdAt)],
);
