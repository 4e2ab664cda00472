import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { prepareTestDatabase } from './prepare-test-database.js';
import { workerDatabaseName } from './worker-database.js';

/**
 * Prepares the PostgreSQL test database once (prepare-test-database.ts), then clones it for every test worker:
 * files in one worker run one after another and isolate by tenant, files in different workers never share a
 * database. The clones are dropped when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('the PostgreSQL test project needs TEST_DATABASE_URL');
  const database = await openDatabase({ databaseUrl, dataDir: 'memory://', poolSize: 2 });
  await prepareTestDatabase(database);
  await database.close();

  const base = new URL(databaseUrl).pathname.slice(1);
  const clones = Array.from({ length: project.config.maxWorkers }, (_, i) => workerDatabaseName(base, i + 1));
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const run = async (statements: string[]) => {
    const admin = new pg.Client({ connectionString: maintenance.toString() });
    await admin.connect();
    try {
      for (const statement of statements) await admin.query(statement);
    } finally {
      await admin.end();
    }
  };
  const drop = clones.map((name) => `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await run([...drop, ...clones.map((name) => `CREATE DATABASE ${name} TEMPLATE ${base}`)]);
  return () => run(drop);
}
