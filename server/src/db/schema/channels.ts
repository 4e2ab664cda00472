import { boolean, index, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { at, createdAt, id, tenantId } from './tenants.js';

/*
 * Channel accounts, the rate-limit holds of their sends, and WhatsApp message templates.
 */

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

/**
 * A channel's rate-limit backoff shared by every app process: a whole sending account (`recipient` = '') or one
 * account–recipient pair (WhatsApp 131056) may not send before `holdUntil`.
 */
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
