import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { EventEnvelope, ServerEventMap, ServerEventName } from './event-map.js';
import { wakeEventRelays } from './relay-wakeup.js';

export const EVENTS_CHANNEL = 'switchboard_events';

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
 * announced for work that rolled back, and a transaction's events keep the order they were recorded in. No NOTIFY
 * here: a transaction that notifies holds PostgreSQL's cluster-wide notify lock through its commit, which would
 * serialise every writer again; the relays of this process are told to look soon instead.
 */
export async function recordEvent<N extends ServerEventName>(
  tx: Executor,
  tenantId: string,
  name: N,
  targetRooms: string[],
  payload: ServerEventMap[N],
): Promise<void> {
  await tx.execute(sql`
    INSERT INTO realtime_events (tenant_id, name, rooms, payload, created_at)
    VALUES (${tenantId}, ${name}, ARRAY[${sql.join(
      targetRooms.map((room) => sql`${room}`),
      sql`, `,
    )}]::text[], ${JSON.stringify(payload)}::jsonb, ${new Date().toISOString()})`);
  wakeEventRelays();
}

/** Records several events of one tenant in one statement, in the given order (see `recordEvent`). */
export async function recordEvents(
  tx: Executor,
  tenantId: string,
  events: Array<
    { [N in ServerEventName]: { name: N; rooms: string[]; payload: ServerEventMap[N] } }[ServerEventName]
  >,
): Promise<void> {
  if (events.length === 0) return;
  const at = new Date().toISOString();
  const rows = events.map(
    (event) =>
      sql`(${tenantId}, ${event.name}, ARRAY[${sql.join(
        event.rooms.map((room) => sql`${room}`),
        sql`, `,
      )}]::text[], ${JSON.stringify(event.payload)}::jsonb, ${at})`,
  );
  // A multi-row VALUES list takes its serial ids in list order, which is the order the relay numbers them in.
  await tx.execute(sql`
    INSERT INTO realtime_events (tenant_id, name, rooms, payload, created_at) VALUES ${sql.join(rows, sql`, `)}`);
  wakeEventRelays();
}
