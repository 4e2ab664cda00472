import { index, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { channelAccounts } from './channels.js';
import { at, createdAt, id, tenantId, updatedAt } from './tenants.js';

/*
 * Contacts, the identities they are known by, web chat visitors and the blacklist.
 */

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

export const blacklistEntries = pgTable(
  'blacklist_entries',
  {
    id: id(),
    tenantId: tenantId(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    identityKind: text('identity_kind'),
    identityValue: text('identity_value'),
    reason: text('reason'),
    /** Who added the entry: an administrator, or an API key (null on entries older than these columns). */
    createdByUserId: uuid('created_by_user_id'),
    createdByApiKeyId: uuid('created_by_api_key_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('blacklist_contact_idx').on(t.tenantId, t.contactId),
    index('blacklist_identity_idx').on(t.tenantId, t.identityKind, t.identityValue),
  ],
);
