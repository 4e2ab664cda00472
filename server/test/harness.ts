import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { createSecretBox, type SecretBox } from '../src/lib/secret-box.js';
import { pino } from 'pino';
import { createFileStore } from '../src/files/file-store.js';
import type { JobDeps } from '../src/jobs/all-jobs.js';
import { createEngine } from '../src/sessions/create-engine.js';
import { freePort } from './processes.js';
import { workerDatabaseName } from './worker-database.js';

/** The driver this test project runs on: `pglite` (in memory) or `postgres` (TEST_DATABASE_URL). */
/**
 * Where the browser tests build the workspace and the test apps serve it from: web/dist unless
 * TEST_WEB_DIST names another directory (so runs side by side on one checkout do not share a build).
 */
export const testWebDist = process.env.TEST_WEB_DIST ? path.resolve(process.env.TEST_WEB_DIST) : undefined;

export const driver = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/** This worker's own PostgreSQL database (see `global-setup.ts`), or nothing on PGlite. */
export function testDatabaseUrl(): string | undefined {
  if (driver !== 'postgres') return undefined;
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${workerDatabaseName(url.pathname.slice(1), Number(process.env.VITEST_POOL_ID ?? 1))}`;
  return url.toString();
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(
    {
      NODE_ENV: 'test',
      DEMO: 'false',
      // Tests' webhook receivers listen on loopback.
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchboard-test-')),
      ...(testDatabaseUrl() ? { DATABASE_URL: testDatabaseUrl()! } : {}),
      ...overrides,
    },
    process.cwd(),
  );
}

/** The run's prepared PGlite archive (`pglite-global-setup.ts`), read once per test file. */
let pgliteArchive: Blob | undefined;

/**
 * Opens the test database of this worker, already prepared by the run's global set-up: an in-memory PGlite
 * restored from the run's archive, or this worker's PostgreSQL database (a clone of the prepared one).
 */
export async function openTestDatabase(): Promise<Database> {
  if (driver === 'pglite') pgliteArchive ??= new Blob([readFileSync(inject('pgliteTemplate'))]);
  return openDatabase({
    databaseUrl: testDatabaseUrl(),
    dataDir: 'memory://',
    poolSize: 4,
    loadDataDir: pgliteArchive,
  });
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  secretBox: SecretBox;
  config: Config;
  engine: JobDeps;
  url: string;
  /** The application's clock, which tests move forward. */
  clock: TestClock;
  /** Moves the clock forward and lets the timers that became due fire. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface TestClock {
  now(): Date;
  set(at: Date): void;
}

export function createTestClock(start = new Date()): TestClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = at.getTime();
    },
  };
}

/**
 * Timers are jobs due at a time on the application's clock (their payload's `dueAt`). After the test clock
 * moves, the jobs that became due are made startable now, and the real worker runs them.
 */
export async function releaseDueTimers(database: Database, now: Date): Promise<number> {
  const { rows } = await database.query<{ id: string }>(
    `UPDATE pgboss.job SET start_after = now()
     WHERE state IN ('created', 'retry') AND data ? 'dueAt' AND (data->>'dueAt')::timestamptz <= $1::timestamptz
     RETURNING id`,
    [now.toISOString()],
  );
  return rows.length;
}

/** The real application on a real port, over the project's real database, with a worker running its jobs. */
export async function startTestApp(
  options: { config?: Record<string, string>; worker?: boolean; clock?: TestClock } = {},
): Promise<TestApp> {
  const database = await openTestDatabase();
  const port = await freePort();
  const config = testConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...options.config,
  });
  const secretBox = createSecretBox(config.secretKey);
  const clock = options.clock ?? createTestClock();
  const engine = await createEngine({
    database,
    logger: pino({ level: 'silent' }),
    fileStore: createFileStore(config.fileStore),
    now: clock.now,
    pollingIntervalSeconds: 0.5,
  });
  if (options.worker !== false) {
    await engine.jobs.work();
    engine.outbox.start();
    engine.webhooks.start();
  }
  const app = await buildApp({ config, database, secretBox, engine, webDist: testWebDist });
  await app.listen({ port, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    database,
    secretBox,
    config,
    engine,
    url,
    clock,
    async advance(ms) {
      clock.set(new Date(clock.now().getTime() + ms));
      await releaseDueTimers(database, clock.now());
    },
    async close() {
      await app.close();
      await engine.outbox.stop();
      await engine.webhooks.stop();
      await engine.jobs.stop();
      await engine.dispatcher.settled();
      await database.close();
    },
  };
}
