import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import type { EventEnvelope } from './event-map.js';
import { envelopeOf, notifiedEvent, type NotifiedEvent, type NumberedEvent } from './record-event.js';

type EventRow = Pick<NumberedEvent, 'seq' | 'name' | 'payload' | 'created_at'> & Record<string, unknown>;

/** How many events the socket replays at most; a client further behind reloads its state instead. */
export const REPLAY_LIMIT = 5_000;

export async function eventsAfter(
  db: Executor,
  tenantId: string,
  lastSeq: number,
  socketRooms: string[],
  allGroups: boolean,
): Promise<EventEnvelope[]> {
  const rows = await queryRows<EventRow>(
    db,
    sql`
    SELECT seq, name, payload, created_at FROM realtime_events
    WHERE tenant_id = ${tenantId} AND seq > ${lastSeq}
      AND (rooms && ARRAY[${sql.join(
        socketRooms.map((room) => sql`${room}`),
        sql`, `,
      )}]::text[]
           OR (${allGroups} AND EXISTS (SELECT 1 FROM unnest(rooms) AS room WHERE room LIKE 'group:%')))
    ORDER BY seq
    LIMIT ${REPLAY_LIMIT}`,
  );
  return rows.map(envelopeOf);
}

export async function currentSeq(db: Executor, tenantId: string): Promise<number> {
  const [row] = await queryRows<{ last_seq: string | number }>(
    db,
    sql`SELECT last_seq FROM tenant_event_counters WHERE tenant_id = ${tenantId}`,
  );
  return Number(row?.last_seq ?? 0);
}

export async function deleteEventsBefore(db: Executor, before: Date): Promise<void> {
  await db.execute(sql`DELETE FROM realtime_events WHERE created_at < ${before.toISOString()}`);
}

/** The tenant's events numbered after `after` up to `upTo`, in order, as sockets receive them. */
export async function numberedEvents(
  db: Executor,
  tenantId: string,
  after: number,
  upTo: number,
): Promise<NotifiedEvent[]> {
  const rows = await queryRows<NumberedEvent & Record<string, unknown>>(
    db,
    sql`SELECT tenant_id, seq, name, rooms, payload, created_at FROM realtime_events
        WHERE tenant_id = ${tenantId} AND seq > ${after} AND seq <= ${upTo} ORDER BY seq`,
  );
  return rows.map(notifiedEvent);
}

/** Every tenant's last event number. */
export async function lastSeqs(db: Executor): Promise<Map<string, number>> {
  const rows = await queryRows<{ tenant_id: string; last_seq: string | number }>(
    db,
    sql`SELECT tenant_id, last_seq FROM tenant_event_counters`,
  );
  return new Map(rows.map((row) => [row.tenant_id, Number(row.last_seq)]));
}
