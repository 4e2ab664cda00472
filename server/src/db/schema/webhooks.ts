import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  json,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { at, createdAt, id, tenantId, tenants, updatedAt } from './tenants.js';

/*
 * Outbound webhooks: the tenant's endpoints, how far its event stream has been turned into deliveries, and every
 * delivery with its attempts (the delivery log).
 */

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: id(),
    tenantId: tenantId(),
    url: text('url').notNull(),
    description: text('description'),
    /** The event types it receives (webhooks/webhook-events.ts). */
    events: text('events').array().notNull(),
    /** The signing secret, sealed with the server's key (lib/secret-box.ts). */
    secretSealed: text('secret_sealed').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('webhook_endpoints_tenant_idx').on(t.tenantId)],
);

/**
 * How far each tenant's realtime events have been turned into deliveries. A row exists once the tenant has had an
 * endpoint; it starts at the tenant's last event then, so a new endpoint is not sent the past.
 */
export const webhookCursors = pgTable('webhook_cursors', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
});

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    tenantId: tenantId(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventType: text('event_type').notNull(),
    /** The event's id in the body (`evt_<tenant's event number>`), the same in every delivery of the event. */
    eventId: text('event_id').notNull(),
    /** One delivery per endpoint and key: an event read twice, or a status announced twice, is delivered once. */
    dedupeKey: text('dedupe_key').notNull(),
    /** The body as sent: `json` keeps its keys in the order written (`id`, `type`, `createdAt`, `data`). */
    payload: json('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'pending' | 'delivered' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** `attempts` when it was last queued (created or redelivered): the retries' backoff counts from there. */
    attemptsBefore: integer('attempts_before').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    nextAttemptAt: at('next_attempt_at'),
    createdAt: createdAt(),
    deliveredAt: at('delivered_at'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_dedupe_key').on(t.endpointId, t.dedupeKey),
    index('webhook_deliveries_log_idx').on(t.endpointId, t.createdAt.desc(), t.id),
    index('webhook_deliveries_created_idx').on(t.createdAt),
  ],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    at: at('at')
      .notNull()
      .default(sql`now()`),
    /** The HTTP status the endpoint answered; null when no answer came (refused, timed out, not allowed). */
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);
