import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Static, TSchema } from 'typebox';
import { matchesSchema } from '../lib/schema-check.js';
import { randomUUID } from 'node:crypto';
import {
  afterCommit,
  beforeCommit,
  isDeferring,
  queryRawIn,
  type Database,
  type Executor,
} from '../db/database.js';
import type { JobDefinition } from './job-definition.js';

/** Jobs fetched per poll and run side by side. */
const BATCH_SIZE = 20;
/** Jobs due this soon after they are committed wake a loop of this process on a timer when they are due. */
const WAKE_AHEAD_MS = 10 * 60_000;
/**
 * How often each loop polls on the embedded database, which no other process writes: jobs of this process wake
 * their loop when they are due, so polling finds what is due without a wake (a retry after a failure, a parked
 * WhatsApp status moved forward). Twenty loops polling twice a second were most of what an idle demo node spent (a
 * tenth of a core, with the event relay's looks).
 */
const EMBEDDED_POLL_SECONDS = 2;

/** pg-boss's statements that change jobs end by counting them. */
const COUNTED = /select count\(\*\) from results\s*$/i;

export interface SendOptions {
  /** Run no earlier than this (timers). */
  startAfter?: Date;
  /** At most one queued job with this key per job name. */
  singletonKey?: string;
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  tx?: Executor;
}

export interface JobQueue {
  send<S extends TSchema>(
    definition: JobDefinition<S, never>,
    payload: Static<S>,
    options?: SendOptions,
  ): Promise<string | null>;
  /**
   * A job of this queue was committed just now: one of this process's loops fetches at once instead of at its
   * next poll. Nothing happens in a process without the worker role (the other processes poll as usual).
   */
  wake(definition: JobDefinition<TSchema, never>): void;
  /** Starts claiming and running jobs in this process (the worker role). */
  work(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * pg-boss runs on our own connection: the pool for PostgreSQL, the single PGlite client for the embedded
 * database, through its `db` adapter. One code path for both.
 */
export async function createJobQueue<D>(options: {
  database: Database;
  logger: Logger;
  definitions: JobDefinition<TSchema, D>[];
  deps: D;
  pollingIntervalSeconds?: number;
  /** How long `stop` waits for jobs still running (10 s). */
  stopWaitMs?: number;
}): Promise<JobQueue> {
  const { database, logger, definitions } = options;
  let stopped = false;
  // pg-boss records a job's end without waiting for it (nor catching): a job that outlived the shutdown wait would
  // record it on a closed pool, an unhandled rejection. Once stopped, its statements do nothing; pg-boss has handed
  // such a job back for a retry when the wait ran out. A statement that changes jobs (complete, fail) answers how
  // many it changed, which pg-boss reads from the first row: none.
  const db = {
    executeSql: (text: string, values?: unknown[]) =>
      stopped
        ? Promise.resolve({ rows: COUNTED.test(text) ? [{ count: '0' }] : [] })
        : database.query(text, values),
  };
  const boss = new PgBoss({
    db,
    schema: 'pgboss',
    // Maintenance and cron run from the worker role only; see work().
    supervise: false,
    schedule: false,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  await boss.start();
  for (const definition of definitions) {
    const queue = {
      name: definition.name,
      retryLimit: definition.retry.limit,
      retryDelay: definition.retry.delaySeconds,
      retryBackoff: definition.retry.backoff,
      expireInSeconds: definition.expireInSeconds ?? 15 * 60,
    };
    await ensureQueue(boss, queue);
  }

  let workerBoss: PgBoss | undefined;
  /** The fetch loops of each queue in this process, and which one the next wake goes to. */
  const loops = new Map<string, { ids: string[]; next: number }>();

  /**
   * A transaction's jobs are inserted together when its work is done (one statement for all of them, whatever their
   * queues), as `send` would insert each: the queue's retry and expiry settings apply.
   */
  const pendingJobs = new WeakMap<Executor, PgBoss.JobInsert[]>();
  async function insertWithTransaction(tx: Executor, job: PgBoss.JobInsert & { name: string }) {
    const pending = pendingJobs.get(tx);
    if (pending) return void pending.push(job);
    pendingJobs.set(tx, [job]);
    await beforeCommit(tx, async () => {
      const jobs = pendingJobs.get(tx)!;
      pendingJobs.delete(tx);
      await boss.insert(jobs, { db: transactionExecutor(tx) });
    });
  }

  const dueTimers = new Set<NodeJS.Timeout>();
  /**
   * A loop of this process fetches a committed job when it is due, not at its next poll: at once, or on a timer for
   * one due within `WAKE_AHEAD_MS` (a session's timers, an offer's time-out). Later ones, and jobs of other
   * processes, are found by polling.
   */
  function wakeWhenDue(definition: JobDefinition<TSchema, never>, startAfter: Date | undefined): void {
    const delay = startAfter ? startAfter.getTime() - Date.now() : 0;
    if (delay <= 0) return queue.wake(definition);
    if (delay > WAKE_AHEAD_MS || stopped) return;
    // A little after: the fetch compares with the database's clock.
    const timer = setTimeout(() => {
      dueTimers.delete(timer);
      queue.wake(definition);
    }, delay + 50);
    timer.unref();
    dueTimers.add(timer);
  }

  const queue: JobQueue = {
    async send(definition, payload, sendOptions = {}) {
      if (!matchesSchema(definition.payload, payload)) {
        throw new Error(`Invalid payload for job ${definition.name}`);
      }
      if (sendOptions.tx && isDeferring(sendOptions.tx)) {
        const id = randomUUID();
        await insertWithTransaction(sendOptions.tx, {
          id,
          name: definition.name,
          data: payload as object,
          ...(sendOptions.startAfter ? { startAfter: sendOptions.startAfter.toISOString() } : {}),
          ...(sendOptions.singletonKey ? { singletonKey: sendOptions.singletonKey } : {}),
        });
        afterCommit(sendOptions.tx, () => wakeWhenDue(definition, sendOptions.startAfter));
        return id;
      }
      const jobOptions: PgBoss.SendOptions = {};
      if (sendOptions.startAfter) jobOptions.startAfter = sendOptions.startAfter;
      if (sendOptions.singletonKey) jobOptions.singletonKey = sendOptions.singletonKey;
      if (sendOptions.tx) jobOptions.db = transactionExecutor(sendOptions.tx);
      const id = await boss.send(definition.name, payload as object, jobOptions);
      afterCommit(sendOptions.tx ?? database.db, () => wakeWhenDue(definition, sendOptions.startAfter));
      return id;
    },
    wake(definition) {
      const queue = loops.get(definition.name);
      if (!workerBoss || !queue || queue.ids.length === 0) return;
      workerBoss.notifyWorker(queue.ids[queue.next++ % queue.ids.length]!);
    },
    async work() {
      // A second instance with supervision and cron on: pg-boss elects one maintainer across processes.
      workerBoss = new PgBoss({
        db,
        schema: 'pgboss',
        migrate: false,
      });
      workerBoss.on('error', (error) => logger.error({ err: error }, 'job worker error'));
      await workerBoss.start();
      for (const definition of definitions) {
        const boss = workerBoss;
        // A batch per poll, its jobs run side by side; each job fails (and is retried) on its own, and pg-boss
        // completes the rest. One job at a time per poll would cap every queue at one job per interval.
        const workOptions = {
          pollingIntervalSeconds:
            options.pollingIntervalSeconds ?? (database.driver === 'pglite' ? EMBEDDED_POLL_SECONDS : 0.5),
          batchSize: definition.batchSize ?? BATCH_SIZE,
          includeMetadata: true as const,
        };
        const fail = async (job: PgBoss.JobWithMetadata<Static<TSchema>>, error: unknown) => {
          logger.warn(
            { err: error, job: job.id, name: definition.name, retry: job.retryCount },
            'job failed',
          );
          // If this fails too (the database is going away at shutdown), the job stays active, expires and is
          // retried: nothing is lost, and nothing may escape as an unhandled rejection.
          await boss
            .fail(definition.name, job.id, { message: (error as Error).message })
            .catch((failError: unknown) =>
              logger.warn({ err: failError, job: job.id }, 'could not record the job failure'),
            );
        };
        const runBatch = async (fetched: PgBoss.JobWithMetadata<Static<TSchema>>[], again: () => void) => {
          const jobs = fetched.filter((job) => {
            if (matchesSchema(definition.payload, job.data)) return true;
            logger.error(
              { job: job.id, name: definition.name },
              'job payload does not match its schema; dropped',
            );
            return false;
          });
          const meta = (job: (typeof jobs)[number]) => ({ id: job.id, retryCount: job.retryCount });
          if (definition.handleBatch && jobs.length > 0) {
            const settled = await definition
              .handleBatch(
                options.deps,
                jobs.map((job) => ({ payload: job.data, meta: meta(job) })),
              )
              .catch((error: unknown) => jobs.map(() => ({ status: 'rejected', reason: error }) as const));
            await Promise.all(
              settled.map((result, index) =>
                result.status === 'rejected' ? fail(jobs[index]!, result.reason) : undefined,
              ),
            );
          } else {
            await Promise.all(
              jobs.map((job) =>
                definition
                  .handle(options.deps, job.data, meta(job))
                  .catch((error: unknown) => fail(job, error)),
              ),
            );
          }
          if (fetched.length >= workOptions.batchSize) again();
        };
        // Several loops for a queue that asks for them: pg-boss claims each job for one loop only.
        const queue = { ids: [] as string[], next: 0 };
        loops.set(definition.name, queue);
        for (let loop = 0; loop < (definition.workers ?? 1); loop++) {
          let id = '';
          id = await boss.work<Static<TSchema>>(definition.name, workOptions, (jobs) =>
            // A full batch means more are waiting: the loop fetches again at once rather than after its interval.
            runBatch(jobs, () => boss.notifyWorker(id)),
          );
          queue.ids.push(id);
        }
        if (definition.schedule) await workerBoss.schedule(definition.name, definition.schedule, {});
      }
    },
    async stop() {
      for (const timer of dueTimers) clearTimeout(timer);
      dueTimers.clear();
      await workerBoss?.stop({ graceful: true, wait: true, timeout: options.stopWaitMs ?? 10_000 });
      await boss.stop({ graceful: false, wait: true, close: false });
      stopped = true;
    },
  };
  return queue;
}

/**
 * pg-boss takes any `executeSql(text, values)`: in a query-layer transaction, its statements run on the
 * transaction's own connection (a pg PoolClient, prepared, or a PGlite transaction).
 */
function transactionExecutor(tx: Executor): PgBoss.Db {
  return { executeSql: async (text, values) => ({ rows: await queryRawIn(tx, text, values) }) };
}

/**
 * Creates or updates one queue. Processes starting together on a new database create the same queues at once,
 * and PostgreSQL ends one of two such transactions as a deadlock (40P01) or a duplicate (23505): that process
 * tries again and finds the queue made.
 */
async function ensureQueue(boss: PgBoss, queue: PgBoss.Queue & { name: string }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (await boss.getQueue(queue.name)) await boss.updateQueue(queue.name, queue);
      else await boss.createQueue(queue.name, queue);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 5 || (code !== '40P01' && code !== '23505')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
    }
  }
}
