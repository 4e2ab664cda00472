import { openDatabase } from '../src/db/database.js';

/** Migrates the shared PostgreSQL test database once before the files run (they isolate by tenant). */
export default async function setup(): Promise<void> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) return;
  const database = await openDatabase({ databaseUrl, dataDir: 'memory://', poolSize: 2 });
  await database.migrate();
  await database.close();
}
