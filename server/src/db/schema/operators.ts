import { sql } from 'drizzle-orm';
import {
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
import { at, createdAt, id, tenantId, updatedAt } from './tenants.js';

/*
 * Operators, their groups, presence and the routing rules that choose a group.
 */

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
