import type { Logger } from 'pino';
import { afterCommit, beforeCommit, queryText, type Database, type Executor } from '../db/database.js';
import { rowFromJson } from '../db/row-from-json.js';
import { messages, sessions } from '../db/schema.js';
import { createGroupCommit } from '../lib/group-commit.js';
import type { MessageRow, SessionRow } from './sessions.repo.js';

/**
 * How long a claim holds a row: longer than the longest send (a media upload may take 120 s, a call 20 s). A row
 * whose process died mid-send is claimed again after this. By then Meta's `sent` status, matched by our message
 * id, has usually marked a send that did go out, so the new claim finds the message no longer `sending` and does
 * not send it twice.
 */
const LEASE_SECONDS = 180;
/**
 * Rows a process commits while it sends are its own for this long: polls (its own and other processes') leave them
 * to it, so that its sessions' messages go out in order without a poll's wait. If it dies first, they are due then.
 */
const OWN_SECONDS = 15;
/** Rows claimed by one statement and sent side by side. */
const BATCH_SIZE = 20;
/** Batches in flight in one process, for each of the two ways rows come (committed here, or found by polling). */
const LANES = 4;
/**
 * How often a process looks for rows it was not handed: other processes' (an API-only process commits and does
 * not send), retries, and rows whose lease ran out. On the embedded database no other process writes, and retries
 * wake the process when they are due.
 */
const POLL_MS = { postgres: 500, pglite: 2_000 };
/** A retry due this soon wakes the process on a timer, rather than at a later poll. */
const WAKE_AHEAD_MS = 10 * 60_000;

/** A claimed row: the message to send, its session, and which attempt this is (1 for the first). */
export interface OutboxItem {
  message: MessageRow;
  session: SessionRow;
  attempt: number;
}

export interface Outbox {
  /**
   * Queues a message for sending in the transaction `tx`: the row exists only if `tx` commits. A process that sends
   * ({@link Outbox.start}) claims it as soon as `tx` has committed.
   */
  enqueue(tx: Executor, message: { tenantId: string; sessionId: string; messageId: string }): Promise<void>;
  /** Starts sending from this process (the worker role). */
  start(): void;
  /** Stops claiming, and waits (up to 10 s) for the sends in flight to be recorded. */
  stop(): Promise<void>;
}

const CLAIMED = `
  RETURNING o.message_id, o.attempts)
  SELECT c.attempts, to_jsonb(m) AS message, to_jsonb(s) AS session
  FROM claimed c JOIN messages m ON m.id = c.message_id JOIN sessions s ON s.id = m.session_id`;

/**
 * The given rows, just committed by this process, unless another process has claimed them meanwhile (its lease
 * is longer than this process's own time); with their messages and sessions.
 */
const CLAIM_GIVEN = `
  WITH claimed AS (
    UPDATE outbox o SET available_at = now() + make_interval(secs => $2), attempts = o.attempts + 1
    WHERE o.message_id IN (
      SELECT message_id FROM outbox
      WHERE message_id = ANY ($1::uuid[]) AND available_at <= now() + make_interval(secs => $3)
      FOR UPDATE SKIP LOCKED)
  ${CLAIMED}`;

/** Up to `$1` due rows, the longest due first. */
const CLAIM_DUE = `
  WITH claimed AS (
    UPDATE outbox o SET available_at = now() + make_interval(secs => $2), attempts = o.attempts + 1
    WHERE o.message_id IN (
      SELECT message_id FROM outbox WHERE available_at <= now() ORDER BY available_at LIMIT $1
      FOR UPDATE SKIP LOCKED)
  ${CLAIMED}`;

/** Due now, or after `$3` seconds for a process that sends its own. */
const INSERT = `
  INSERT INTO outbox (message_id, tenant_id, available_at)
  SELECT m, t, now() + make_interval(secs => $3) FROM unnest($1::uuid[], $2::uuid[]) AS g(m, t)
  ON CONFLICT (message_id) DO NOTHING`;

/**
 * The outbox of WhatsApp and Messenger messages: rows in the `outbox` table, written in the transaction that
 * commits the message, and sent outside any transaction by `send`. A process that sends claims the rows it
 * committed as soon as they are committed (one statement claims a batch and reads its messages and sessions), so a
 * reply does not wait for a poll; the rows of other processes, retries and rows whose lease ran out are found by
 * polling. `send` records each result in a transaction of its own that also removes the row or sets its retry
 * ({@link finishOutbox}, {@link retryOutbox}).
 */
export function createOutbox(options: {
  database: Database;
  logger: Logger;
  send: (items: OutboxItem[]) => Promise<{ retryInMs: number[] }>;
  pollMs?: number;
}): Outbox {
  const { database, logger } = options;
  const pollMs = options.pollMs ?? POLL_MS[database.driver];
  let started = false;
  let stopping = false;
  const inFlight = new Set<Promise<unknown>>();
  const pending = new WeakMap<Executor, Array<{ tenantId: string; messageId: string }>>();

  /** Seconds before others may claim a row committed now. */
  const ownFor = () => (started && !stopping ? OWN_SECONDS : 0);

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  async function claim(statement: { name: string; text: string }, values: unknown[]): Promise<OutboxItem[]> {
    const rows = await queryText<{
      attempts: number;
      message: Record<string, unknown>;
      session: Record<string, unknown>;
    }>(database.db, statement.text, values, { prepareAs: statement.name });
    return rows.map((row) => ({
      attempt: row.attempts,
      message: rowFromJson(messages, row.message),
      session: rowFromJson(sessions, row.session),
    }));
  }

  async function sendClaimed(items: OutboxItem[]): Promise<void> {
    if (items.length === 0) return;
    const { retryInMs } = await options.send(items);
    for (const ms of retryInMs) wakeIn(ms);
  }

  /**
   * Rows committed by this process, claimed and sent in batches, each claimed by one statement; a session's
   * messages are in one batch at a time, and sent one after another in it.
   */
  const committed = createGroupCommit<{ sessionId: string; messageId: string }, void>(
    async (given) => {
      if (!stopping)
        await track(
          claim({ name: 'outbox_claim', text: CLAIM_GIVEN }, [
            given.map((one) => one.messageId),
            LEASE_SECONDS,
            OWN_SECONDS,
          ]).then(sendClaimed),
        );
      return given.map(() => ({ status: 'fulfilled', value: undefined }));
    },
    {
      lanes: LANES,
      maxBatch: BATCH_SIZE,
      keyOf: (one) => one.sessionId,
      gather: database.driver === 'pglite',
    },
  );

  let polling = 0;
  let pollAgain = false;
  /** Claims due rows, a batch per lane, until a claim finds fewer than a full batch. */
  function poll(): void {
    if (!started || stopping) return;
    if (polling >= LANES) {
      pollAgain = true;
      return;
    }
    polling++;
    pollAgain = false;
    void track(
      claim({ name: 'outbox_claim_due', text: CLAIM_DUE }, [BATCH_SIZE, LEASE_SECONDS]).then(
        async (items) => {
          // A full batch: more may be due, claimed by another lane while this one sends.
          if (items.length >= BATCH_SIZE) pollAgain = true;
          if (pollAgain) setImmediate(poll);
          await sendClaimed(items);
        },
      ),
    )
      .catch((error: unknown) => logger.error({ err: error }, 'outbox: claiming or sending failed'))
      .finally(() => {
        polling--;
        if (pollAgain) poll();
      });
  }

  let interval: NodeJS.Timeout | undefined;
  const timers = new Set<NodeJS.Timeout>();
  function wakeIn(ms: number): void {
    if (!started || stopping || ms > WAKE_AHEAD_MS) return;
    // A little after: the claim compares with the database's clock.
    const timer = setTimeout(() => {
      timers.delete(timer);
      poll();
    }, ms + 50);
    timer.unref();
    timers.add(timer);
  }

  return {
    async enqueue(tx, message) {
      // A transaction's rows are inserted together when its work is done, in one statement (at once outside one).
      const rows = pending.get(tx);
      if (rows) rows.push(message);
      else {
        pending.set(tx, [message]);
        await beforeCommit(tx, async () => {
          const all = pending.get(tx)!;
          pending.delete(tx);
          await queryText(
            tx,
            INSERT,
            [all.map((one) => one.messageId), all.map((one) => one.tenantId), ownFor()],
            { prepareAs: 'outbox_insert' },
          );
        });
      }
      if (!started) return;
      afterCommit(tx, () => {
        void committed
          .submit({ sessionId: message.sessionId, messageId: message.messageId })
          .catch((error: unknown) => logger.error({ err: error }, 'outbox: sending failed'));
      });
    },
    start() {
      if (started) return;
      started = true;
      interval = setInterval(poll, pollMs);
      interval.unref();
      poll();
    },
    async stop() {
      stopping = true;
      clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const deadline = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
    },
  };
}

/** Sent or failed for good: the rows go, in the transaction that records the results. */
export async function finishOutbox(tx: Executor, messageIds: string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await queryText(tx, `DELETE FROM outbox WHERE message_id = ANY ($1::uuid[])`, [messageIds], {
    prepareAs: 'outbox_finish',
  });
}

/**
 * To be tried again after a delay. `refund`: the attempt did not reach the channel (a rate-limit hold), so it
 * does not count against the attempts a message gets.
 */
export async function retryOutbox(
  tx: Executor,
  retries: Array<{ messageId: string; delayMs: number; error: string; refund: boolean }>,
): Promise<void> {
  if (retries.length === 0) return;
  await queryText(
    tx,
    `WITH given AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(message_id uuid, delay_ms float8, error text, refund boolean))
     UPDATE outbox o SET available_at = now() + make_interval(secs => g.delay_ms / 1000), last_error = g.error,
       attempts = o.attempts - CASE WHEN g.refund THEN 1 ELSE 0 END
     FROM given g WHERE o.message_id = g.message_id`,
    [
      JSON.stringify(
        retries.map((r) => ({
          message_id: r.messageId,
          delay_ms: r.delayMs,
          error: r.error,
          refund: r.refund,
        })),
      ),
    ],
    { prepareAs: 'outbox_retry' },
  );
}
