import { sql } from 'drizzle-orm';
import { bigint, bigserial, customType, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, tenantId } from './tenants.js';

/*
 * Realtime events, written with the work that caused them.
 */

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
