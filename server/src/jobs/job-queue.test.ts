import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Type, type TSchema } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/database.js';
import { driver, openTestDatabase, testDatabaseUrl } from '../../test/harness.js';
import { sleep } from '../../test/socket-client.js';
import { defineJob, type JobDefinition } from './job-definition.js';
import { createJobQueue, type JobQueue } from './job-queue.js';

const logger = pino({ level: 'silent' });
const open: Array<{ close(): Promise<void> } | JobQueue> = [];
afterEach(async () => {
  for (const item of open.reverse()) await ('stop' in item ? item.stop() : item.close());
  open.length = 0;
});

type Seen = { runs: Array<{ key: string; retryCount: number; at: number }> };

function testJob(seen: Seen, options: { failTimes?: number } = {}) {
  const failures = new Map<string, number>();
  return defineJob({
    name: `test-${randomUUID().slice(0, 8)}`,
    payload: Type.Object({ key: Type.String() }),
    retry: { limit: 3, delaySeconds: 1, backoff: true },
    async handle(_deps: unknown, payload, meta) {
      seen.runs.push({ key: payload.key, retryCount: meta.retryCount, at: Date.now() });
      const failed = failures.get(payload.key) ?? 0;
      if (failed < (options.failTimes ?? 0)) {
        failures.set(payload.key, failed + 1);
        throw new Error('temporary failure');
      }
    },
  }) as JobDefinition<TSchema, unknown>;
}

async function queue(
  database: Database,
  definition: JobDefinition<TSchema, unknown>,
  work = true,
  pollingIntervalSeconds = 0.5,
) {
  const q = await createJobQueue({
    database,
    logger,
    definitions: [definition],
    deps: {},
    pollingIntervalSeconds,
  });
  open.push(q);
  if (work) await q.work();
  return q;
}

async function until(check: () => boolean, timeoutMs = 15_000) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await sleep(50);
  }
}

describe('durable jobs', () => {
  it('retries a failing job with growing delays until it succeeds', async () => {
    const database = await openTestDatabase();
    open.push(database);
    const seen: Seen = { runs: [] };
    const definition = testJob(seen, { failTimes: 2 });
    const q = await queue(database, definition);
    await q.send(definition, { key: 'flaky' });
    await until(() => seen.runs.length === 3);
    expect(seen.runs.map((r) => r.retryCount)).toEqual([0, 1, 2]);
    const [first, second, third] = seen.runs.map((r) => r.at);
    expect(second! - first!).toBeGreaterThanOrEqual(900);
    expect(third! - second!).toBeGreaterThan(second! - first!);
  }, 30_000);

  it('enqueues inside a transaction: a rollback leaves no job', async () => {
    const database = await openTestDatabase();
    open.push(database);
    const seen: Seen = { runs: [] };
    const definition = testJob(seen);
    const q = await queue(database, definition);
    await expect(
      database.db.transaction(async (tx) => {
        await q.send(definition, { key: 'rolled back' }, { tx });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await database.db.transaction(async (tx) => {
      await q.send(definition, { key: 'committed' }, { tx });
    });
    await until(() => seen.runs.length >= 1);
    await sleep(1200);
    expect(seen.runs.map((r) => r.key)).toEqual(['committed']);
  });

  it('a timer set before a restart fires after it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-jobs-'));
    const reopen = () => openDatabase({ databaseUrl: testDatabaseUrl(), dataDir, poolSize: 3 });
    const seen: Seen = { runs: [] };
    const definition = testJob(seen);

    const before = await reopen();
    await before.migrate();
    const q1 = await createJobQueue({ database: before, logger, definitions: [definition], deps: {} });
    await q1.send(definition, { key: 'timer' }, { startAfter: new Date(Date.now() + 1500) });
    await q1.stop();
    await before.close();
    expect(seen.runs).toEqual([]);

    const after = await reopen();
    open.push(after);
    await queue(after, definition);
    await until(() => seen.runs.length === 1);
    expect(seen.runs[0]!.key).toBe('timer');
  });

  it('runs each job once when several workers compete', async () => {
    const database = await openTestDatabase();
    open.push(database);
    const other = driver === 'postgres' ? await openTestDatabase() : database;
    if (other !== database) open.push(other);
    const seen: Seen = { runs: [] };
    const definition = testJob(seen);
    const q = await queue(database, definition);
    await queue(other, definition);
    for (let i = 0; i < 20; i++) await q.send(definition, { key: `job ${i}` });
    await until(() => seen.runs.length >= 20);
    await sleep(1000);
    expect(seen.runs).toHaveLength(20);
    expect(new Set(seen.runs.map((r) => r.key)).size).toBe(20);
  }, 30_000);

  it('refuses a payload that does not match the job’s schema', async () => {
    const database = await openTestDatabase();
    open.push(database);
    const definition = testJob({ runs: [] });
    const q = await queue(database, definition, false);
    await expect(q.send(definition, { key: 42 } as never)).rejects.toThrow(/Invalid payload/);
  });

  it('keeps a queue flowing past a slow job when its definition asks for several loops', async () => {
    const database = await openTestDatabase();
    open.push(database);
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const definition = defineJob({
      name: `test-${randomUUID().slice(0, 8)}`,
      payload: Type.Object({ key: Type.String() }),
      retry: { limit: 0, delaySeconds: 1, backoff: false },
      workers: 3,
      batchSize: 1,
      async handle(_deps: unknown, payload) {
        started.push(payload.key);
        if (payload.key === 'slow') await stuck;
      },
    }) as JobDefinition<TSchema, unknown>;
    const q = await queue(database, definition);
    await q.send(definition, { key: 'slow' });
    await until(() => started.includes('slow'));
    // With one loop the slow job would hold the queue; the other loops take the next jobs meanwhile.
    for (const key of ['next 1', 'next 2', 'next 3']) await q.send(definition, { key });
    await until(() => started.length === 4);
    release();
  }, 30_000);

  it('runs a job as soon as its transaction commits, and a full batch is followed by the next at once', async () => {
    const database = await openTestDatabase();
    open.push(database);
    const seen: Seen = { runs: [] };
    const definition = { ...testJob(seen), batchSize: 2 };
    // Queued before any worker runs: five jobs, fetched two at a time.
    const idle = await queue(database, definition, false);
    for (const key of ['a', 'b', 'c', 'd', 'e']) await idle.send(definition as never, { key } as never);
    // Polling every minute: only the wake-ups can run these within the test.
    const q = await queue(database, definition, true, 60);
    await until(() => seen.runs.length === 5, 10_000);

    let committed = false;
    await database.db.transaction(async (tx) => {
      await q.send(definition as never, { key: 'in-transaction' } as never, { tx });
      await sleep(300);
      expect(seen.runs.some((r) => r.key === 'in-transaction')).toBe(false);
      committed = true;
    });
    await until(() => seen.runs.some((r) => r.key === 'in-transaction'), 10_000);
    expect(committed).toBe(true);
  });
  it('lets a job that outlives the shutdown wait end without an unhandled rejection', async () => {
    const database = await openTestDatabase();
    open.push(database);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const definition = defineJob({
      name: `test-${randomUUID().slice(0, 8)}`,
      payload: Type.Object({ key: Type.String() }),
      retry: { limit: 3, delaySeconds: 1, backoff: false },
      async handle() {
        started();
        await released;
      },
    }) as JobDefinition<TSchema, unknown>;
    const q = await createJobQueue({
      database,
      logger,
      definitions: [definition],
      deps: {},
      stopWaitMs: 200,
    });
    await q.work();
    const escaped: unknown[] = [];
    const onRejection = (reason: unknown) => escaped.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      await q.send(definition, { key: 'slow' });
      await running;
      await q.stop();
      // The job ends after the queue stopped: pg-boss records its completion, which now does nothing.
      release();
      await sleep(300);
      expect(escaped).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    // When the wait ran out, the job was handed back for a later worker to retry, and stays so.
    const { rows } = await database.query<{ state: string }>(`SELECT state FROM pgboss.job WHERE name = $1`, [
      definition.name,
    ]);
    expect(rows.map((row) => row.state)).toEqual(['retry']);
  });

  it('runs a job queued for later when it is due, without waiting for the next poll', async () => {
    const database = await openTestDatabase();
    open.push(database);
    const seen: Seen = { runs: [] };
    const definition = testJob(seen);
    // Polling every minute: only the process's own timer can run these within the test.
    const q = await queue(database, definition, true, 60);
    const due = Date.now() + 1_500;
    await q.send(definition, { key: 'alone' }, { startAfter: new Date(due) });
    await database.db.transaction((tx) =>
      q.send(definition, { key: 'in-transaction' }, { tx, startAfter: new Date(due) }),
    );
    await until(() => seen.runs.length === 2, 10_000);
    for (const run of seen.runs) {
      expect(run.at).toBeGreaterThanOrEqual(due);
      expect(run.at - due).toBeLessThan(3_000);
    }
  });
});
