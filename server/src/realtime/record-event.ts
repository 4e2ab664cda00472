import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { EventEnvelope, ServerEventMap, ServerEventName } from './event-map.js';

export const EVENTS_CHANNEL = 'switchboard_events';
/** Wakes the relay: events are waiting for their numbers (one notification per transaction; PostgreSQL folds the rest). */
export const PENDING_CHANNEL = 'switchboard_events_pending';

export interface NotifiedEvent {
  tenantId: string;
  rooms: string[];
  /** Absent when the event was too large to travel inline. */
  envelope?: EventEnvelope;
  seq: number;
  /** A passing signal with no sequence number (typing). */
  ephemeral?: { name: string; payload: unknown };
}

/**
 * Records an event in the caller's transaction, without a sequence number and without locking anything shared:
 * the relay numbers it once the transaction and every older one have finished, and announces it. Nothing is
 * announced for work that rolled back, and a transaction's events keep the order they were recorded in.
 */
export async function recordEvent<N extends ServerEventName>(
  tx: Executor,
  tenantId: string,
  name: N,
  targetRooms: string[],
  payload: ServerEventMap[N],
): Promise<void> {
  await tx.execute(sql`
    WITH recorded AS (
      INSERT INTO realtime_events (tenant_id, name, rooms, payload, created_at)
      VALUES (${tenantId}, ${name}, ARRAY[${sql.join(
        targetRooms.map((room) => sql`${room}`),
        sql`, `,
      )}]::text[], ${JSON.stringify(payload)}::jsonb, ${new Date().toISOString()})
    )
    SELECT pg_notify(${PENDING_CHANNEL}, '')`);
}
