import { sql } from 'drizzle-orm';
import { queryRows, queryRowsPrepared, type Database } from '../db/database.js';
import {
  countersMovedOn,
  EVENTS_CHANNEL,
  notifiedEvent,
  type NotifiedEvent,
  type NumberedEvent,
} from './record-event.js';
import { registerEventRelay } from './relay-wakeup.js';

/** Any fixed number: the relay of one process at a time numbers events. */
const RELAY_LOCK_KEY = 727_012;
/** Events numbered per round; a full round is followed by another at once. */
const BATCH = 2_000;
/** NOTIFY payloads are limited to 8,000 bytes; larger events travel as a reference and are read back. */
const NOTIFY_LIMIT = 7_000;
/**
 * While events are being recorded or wait for their turn: look this often. It is their added latency (5 ms on
 * average) and what batches them: every round costs the app four round trips to the database, so a shorter pace
 * under load spends more on announcing than on storing.
 */
const ACTIVE_MS = 10;
/** The longest `flush` waits for another process's relay to number what was committed before it. */
const FLUSH_WAIT_MS = 5_000;
/** How long after the last commit of events in this process the relay keeps looking at the active pace. */
const EAGER_MS = 250;
/** Idle, it backs off to this: the longest an event recorded by another process waits for its number. */
const IDLE_MAX_MS = 50;
/**
 * The same on the embedded database, which no other process can write: every event is recorded in this process,
 * which wakes the relay, so looking is only a safety net (an idle demo node spent a tenth of a core looking and
 * polling for jobs; with this and the job queue's slower polling, a fiftieth).
 */
const EMBEDDED_IDLE_MAX_MS = 1_000;

interface NumberedRow extends NumberedEvent, Record<string, unknown> {
  id: string | number;
}

export interface EventRelay {
  /** Numbers and announces every event committed before the call (waiting up to 5 s for another relay). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Numbers and announces the events written without a number (decision 12): those recorded in a savepoint or
 * outside a transaction. A transaction opened by `db.transaction` numbers its own events as it writes them, with
 * its tenant's counter locked until it commits (record-event.ts); the relay takes the same counter, so its numbers
 * follow the commits too, with no gaps. It numbers the events it can see, which are committed ones, so a number is
 * final and a transaction still open holds back nothing but its own events. It polls, at a short interval after
 * this process wrote such events and backing off when idle, and an advisory lock lets one process at a time number;
 * its NOTIFY, one per batch, carries the events to the sockets of every process.
 */
export async function startEventRelay(
  database: Database,
  onError: (error: unknown) => void,
): Promise<EventRelay> {
  let running: Promise<void> | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let dueAt = Infinity;
  let idleDelay = ACTIVE_MS;
  let eagerUntil = 0;
  /** Whether this process committed unnumbered events since the last round began. */
  let committedHere = false;
  const idleMaxMs = database.driver === 'pglite' ? EMBEDDED_IDLE_MAX_MS : IDLE_MAX_MS;

  /**
   * Whether a committed event waits for its number. EXISTS, not count: it stops at the first row, and its plain
   * index scan marks the entries of numbered events dead in the pending index, where a count's bitmap scan would
   * visit every one of them again until the next vacuum.
   */
  async function look(): Promise<boolean> {
    const [row] = await queryRowsPrepared<{ ready: boolean }>(
      database.db,
      sql`SELECT EXISTS (SELECT 1 FROM realtime_events WHERE seq IS NULL) AS ready`,
    );
    return Boolean(row?.ready);
  }

  /**
   * Numbers what is ready, unless another process's relay is numbering now (then nothing: it announces them). The
   * lock is taken by a statement of its own: the numbering statement's snapshot must come after it. Taken inside
   * that statement, it could be granted just after another relay committed and released it, to a snapshot taken
   * before that commit, which still saw those events unnumbered and numbered them a second time (operators then
   * received one event twice, under two sequence numbers).
   */
  async function number(): Promise<number> {
    return database.db.transaction(async (tx) => {
      const [lock] = await queryRows<{ locked: boolean }>(
        tx,
        sql`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) AS locked`,
      );
      if (!lock?.locked) return 0;
      // Prepared: its plan (the pending index, in id order) is the same for every call, and planning it each time
      // cost more than running it.
      const rows = await queryRowsPrepared<NumberedRow>(
        tx,
        sql`
        WITH pending AS (
          SELECT id, tenant_id FROM realtime_events WHERE seq IS NULL ORDER BY id LIMIT ${BATCH}
        ),
        ${sql.raw(countersMovedOn('pending'))},
        numbered AS (
          SELECT p.id, b.last_seq - k.n + row_number() OVER (PARTITION BY p.tenant_id ORDER BY p.id) AS seq
          FROM pending p JOIN bumped b USING (tenant_id) JOIN counts k USING (tenant_id)
        )
        UPDATE realtime_events e SET seq = numbered.seq FROM numbered WHERE e.id = numbered.id
        RETURNING e.id, e.tenant_id, e.seq, e.name, e.rooms, e.payload, e.created_at`,
      );
      if (rows.length > 0) {
        rows.sort((a, b) => Number(a.id) - Number(b.id));
        await tx.execute(
          sql`SELECT pg_notify(${EVENTS_CHANNEL}, p) FROM unnest(ARRAY[${sql.join(
            notifications(rows).map((p) => sql`${p}`),
            sql`, `,
          )}]::text[]) WITH ORDINALITY AS t(p, i) ORDER BY i`,
        );
      }
      return rows.length;
    });
  }

  /** One look, and numbering when something is ready; returns when to look again. */
  async function round(): Promise<number> {
    // Events this process committed are there to be numbered: the round goes straight to numbering them. Under
    // load that is nearly every round, and the look was one of its six statements.
    const committed = committedHere;
    committedHere = false;
    const ready = committed || (await look());
    const numbered = ready ? await number() : 0;
    if (numbered >= BATCH) return 0;
    // Ready but not numbered here: another process's relay holds the lock, and looks again soon.
    if ((ready && numbered === 0) || Date.now() < eagerUntil) {
      idleDelay = ACTIVE_MS;
      return ACTIVE_MS;
    }
    idleDelay = Math.min(idleDelay * 2, idleMaxMs);
    return idleDelay;
  }

  function schedule(delay: number): void {
    if (closed) return;
    const at = Date.now() + delay;
    if (timer && at >= dueAt) return;
    if (timer) clearTimeout(timer);
    dueAt = at;
    timer = setTimeout(tick, delay);
  }

  function tick(): void {
    timer = null;
    dueAt = Infinity;
    if (closed || running) return;
    running = round()
      .then(
        (next) => schedule(next),
        (error: unknown) => {
          onError(error);
          schedule(idleMaxMs);
        },
      )
      .finally(() => {
        running = null;
      });
  }

  const unregister = registerEventRelay(() => {
    committedHere = true;
    eagerUntil = Date.now() + EAGER_MS;
    schedule(ACTIVE_MS);
  });
  schedule(0);

  return {
    async flush() {
      while (running) await running;
      // Every event committed before now: its transaction is visible in a snapshot taken now. Another process's
      // relay may be numbering it; flushing waits for that.
      const [now] = await queryRows<{ snapshot: string }>(
        database.db,
        sql`SELECT pg_current_snapshot()::text AS snapshot`,
      );
      const deadline = Date.now() + FLUSH_WAIT_MS;
      for (;;) {
        if ((await look()) && (await number()) > 0) continue;
        const [left] = await queryRows<{ waiting: boolean }>(
          database.db,
          sql`SELECT EXISTS (SELECT 1 FROM realtime_events
                             WHERE seq IS NULL AND pg_visible_in_snapshot(xid, ${now!.snapshot}::pg_snapshot))
                 AS waiting`,
        );
        if (!left?.waiting || Date.now() > deadline) return;
        await new Promise((resolve) => setTimeout(resolve, ACTIVE_MS));
      }
    },
    async close() {
      closed = true;
      unregister();
      if (timer) clearTimeout(timer);
      while (running) await running;
    },
  };
}

/** Packs numbered events into as few NOTIFY payloads as fit, in order; an oversized event goes as a reference. */
function notifications(rows: NumberedEvent[]): string[] {
  const payloads: string[] = [];
  let batch: string[] = [];
  let size = 2;
  for (const row of rows) {
    const event = notifiedEvent(row);
    let text = JSON.stringify(event);
    if (Buffer.byteLength(text) > NOTIFY_LIMIT)
      text = JSON.stringify({
        tenantId: event.tenantId,
        rooms: event.rooms,
        seq: event.seq,
      } as NotifiedEvent);
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
