import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/database.js';
import type { EventEnvelope } from './event-map.js';
import { EVENTS_CHANNEL, PENDING_CHANNEL, type NotifiedEvent } from './record-event.js';

/** Any fixed number: the relay of one process at a time numbers events. */
const RELAY_LOCK_KEY = 727_012;
/** Events numbered per round; a busy round is followed by another at once. */
const BATCH = 2_000;
/** NOTIFY payloads are limited to 8,000 bytes; larger events travel as a reference and are read back. */
const NOTIFY_LIMIT = 7_000;
/** Waits before looking again while numbered events are held back by an older, still running transaction. */
const RETRY_MS = [2, 5, 10, 25, 50, 100, 200];

interface NumberedRow extends Record<string, unknown> {
  id: string | number;
  tenant_id: string;
  seq: string | number;
  name: string;
  rooms: string[];
  payload: unknown;
  created_at: string | Date;
}

export interface EventRelay {
  /** Numbers and announces what is waiting now (also called on every wake-up). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Gives recorded events their per-tenant sequence numbers and announces them. An event is numbered only when its
 * transaction id is below the oldest transaction still running (`pg_snapshot_xmin`): then no transaction that
 * could still commit an earlier event exists, so numbers are final, gap-free and in the order the events were
 * recorded, while writers never wait on a shared counter. Every process runs a relay; an advisory lock lets one
 * at a time number, and the NOTIFY that follows reaches the sockets of every process.
 */
export async function startEventRelay(
  database: Database,
  onError: (error: unknown) => void,
): Promise<EventRelay> {
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let retryStep = 0;

  async function round(): Promise<{ numbered: number; waiting: boolean; busy: boolean }> {
    return database.db.transaction(async (tx) => {
      const [lock] = await queryRows<{ got: boolean }>(
        tx,
        sql`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) AS got`,
      );
      if (!lock?.got) return { numbered: 0, waiting: false, busy: true };
      const rows = await queryRows<NumberedRow>(
        tx,
        sql`
        WITH pending AS (
          SELECT id, tenant_id FROM realtime_events
          WHERE seq IS NULL AND xid < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY id LIMIT ${BATCH}
        ),
        counts AS (SELECT tenant_id, count(*) AS n FROM pending GROUP BY tenant_id),
        bumped AS (
          INSERT INTO tenant_event_counters AS c (tenant_id, last_seq)
          SELECT tenant_id, n FROM counts
          ON CONFLICT (tenant_id) DO UPDATE SET last_seq = c.last_seq + EXCLUDED.last_seq
          RETURNING c.tenant_id, c.last_seq
        ),
        numbered AS (
          SELECT p.id, b.last_seq - k.n + row_number() OVER (PARTITION BY p.tenant_id ORDER BY p.id) AS seq
          FROM pending p JOIN bumped b USING (tenant_id) JOIN counts k USING (tenant_id)
        )
        UPDATE realtime_events e SET seq = numbered.seq FROM numbered WHERE e.id = numbered.id
        RETURNING e.id, e.tenant_id, e.seq, e.name, e.rooms, e.payload, e.created_at`,
      );
      const [left] = await queryRows<{ waiting: boolean }>(
        tx,
        sql`SELECT EXISTS (SELECT 1 FROM realtime_events WHERE seq IS NULL) AS waiting`,
      );
      if (rows.length > 0) {
        rows.sort((a, b) => Number(a.id) - Number(b.id));
        const payloads = notifications(rows);
        await tx.execute(
          sql`SELECT pg_notify(${EVENTS_CHANNEL}, p) FROM unnest(ARRAY[${sql.join(
            payloads.map((p) => sql`${p}`),
            sql`, `,
          )}]::text[]) WITH ORDINALITY AS t(p, i) ORDER BY i`,
        );
      }
      return { numbered: rows.length, waiting: Boolean(left?.waiting), busy: false };
    });
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      const result = await round();
      if (result.numbered >= BATCH) again = true;
      if (result.numbered > 0) retryStep = 0;
      if (!again && (result.waiting || result.busy) && !closed && !retry) {
        // Held back by an older transaction (or another process is numbering): look again shortly.
        const delay = RETRY_MS[Math.min(retryStep++, RETRY_MS.length - 1)]!;
        retry = setTimeout(() => {
          retry = null;
          wake();
        }, delay);
      }
    } while (again && !closed);
  }

  function wake(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch(onError)
      .finally(() => {
        running = null;
        if (again) wake();
      });
  }

  const unlisten = await database.listen(PENDING_CHANNEL, wake);
  wake();

  return {
    async flush() {
      wake();
      while (running) await running;
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await unlisten();
      while (running) await running;
    },
  };
}

/** Packs numbered events into as few NOTIFY payloads as fit, in order; an oversized event goes as a reference. */
function notifications(rows: NumberedRow[]): string[] {
  const payloads: string[] = [];
  let batch: string[] = [];
  let size = 2;
  for (const row of rows) {
    const seq = Number(row.seq);
    const envelope = {
      seq,
      name: row.name,
      payload: row.payload,
      at: new Date(row.created_at).toISOString(),
    } as EventEnvelope;
    let text = JSON.stringify({ tenantId: row.tenant_id, rooms: row.rooms, seq, envelope } as NotifiedEvent);
    if (Buffer.byteLength(text) > NOTIFY_LIMIT)
      text = JSON.stringify({ tenantId: row.tenant_id, rooms: row.rooms, seq } as NotifiedEvent);
    const length = Buffer.byteLength(text) + 1;
    if (batch.length > 0 && size + length > NOTIFY_LIMIT) {
      payloads.push(`[${batch.join(',')}]`);
      batch = [];
      size = 2;
    }
    batch.push(text);
    size += length;
  }
  if (batch.length > 0) payloads.push(`[${batch.join(',')}]`);
  return payloads;
}
