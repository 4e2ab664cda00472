import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { createSecretBox, type SecretBox } from '../src/lib/secret-box.js';
import { freePort } from './processes.js';

/** The driver this test project runs on: `pglite` (in memory) or `postgres` (TEST_DATABASE_URL). */
export const driver = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export function testDatabaseUrl(): string | undefined {
  return driver === 'postgres' ? process.env.TEST_DATABASE_URL : undefined;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(
    {
      NODE_ENV: 'test',
      DEMO: 'false',
      SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchboard-test-')),
      ...(testDatabaseUrl() ? { DATABASE_URL: testDatabaseUrl()! } : {}),
      ...overrides,
    },
    process.cwd(),
  );
}

/** Opens the test database of this project: a fresh in-memory PGlite, or the shared PostgreSQL. */
export async function openTestDatabase(): Promise<Database> {
  const database = await openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: 'memory://', poolSize: 4 });
  await database.migrate();
  return database;
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  secretBox: SecretBox;
  config: Config;
  url: string;
  close(): Promise<void>;
}

/** The real application on a real port, over the project's real database. */
export async function startTestApp(
  options: { now?: () => Date; config?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = await openTestDatabase();
  const port = await freePort();
  const config = testConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...options.config,
  });
  const secretBox = createSecretBox(config.secretKey);
  const app = await buildApp({ config, database, secretBox, ...(options.now ? { now: options.now } : {}) });
  await app.listen({ port, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    database,
    secretBox,
    config,
    url,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
