import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import type { EventEnvelope, ServerEventMap, ServerEventName } from './event-map.js';

export const EVENTS_CHANNEL = 'switchboard_events';
/** NOTIFY payloads are limited to 8,000 bytes; larger events are read back from the table by the listener. */
const INLINE_LIMIT = 7_000;

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
 * Records an event in the caller's transaction. The per-tenant counter row stays locked until commit, so the
 * tenant's events commit in sequence order; NOTIFY is delivered by PostgreSQL only after the commit, to every
 * process, so nothing is announced for work that rolled back.
 */
export async function recordEvent<N extends ServerEventName>(
  tx: Executor,
  tenantId: string,
  name: N,
  targetRooms: string[],
  payload: ServerEventMap[N],
): Promise<EventEnvelope<N>> {
  const [counter] = await queryRows<{ last_seq: string | number }>(
    tx,
    sql`
    INSERT INTO tenant_event_counters (tenant_id, last_seq) VALUES (${tenantId}, 1)
    ON CONFLICT (tenant_id) DO UPDATE SET last_seq = tenant_event_counters.last_seq + 1
    RETURNING last_seq`,
  );
  const seq = Number(counter!.last_seq);
  const at = new Date().toISOString();
  await tx.execute(sql`
    INSERT INTO realtime_events (tenant_id, seq, name, rooms, payload, created_at)
    VALUES (${tenantId}, ${seq}, ${name}, ARRAY[${sql.join(
      targetRooms.map((room) => sql`${room}`),
      sql`, `,
    )}]::text[], ${JSON.stringify(payload)}::jsonb, ${at})`);
  const envelope: EventEnvelope<N> = { seq, name, payload, at };
  const notified: NotifiedEvent = { tenantId, rooms: targetRooms, seq, envelope: envelope as EventEnvelope };
  let text = JSON.stringify(notified);
  if (Buffer.byteLength(text) > INLINE_LIMIT) text = JSON.stringify({ tenantId, rooms: targetRooms, seq });
  await tx.execute(sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${text})`);
  return envelope;
}
