import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/database.js';
import { prepareTestDatabase } from './prepare-test-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An archive of a migrated PGlite data directory, which every test file's in-memory database starts from. */
    pgliteTemplate: string;
  }
}

/**
 * Creates and prepares one embedded database for the whole run and archives it: a test file restores the archive
 * (about a second) instead of creating a cluster, migrating it and installing the job queue (about six seconds on
 * two cores).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await prepareTestDatabase(database);
  const archive = await database.dumpDataDir!();
  await database.close();
  const directory = mkdtempSync(path.join(tmpdir(), 'switchboard-pglite-'));
  const file = path.join(directory, 'migrated.tar');
  writeFileSync(file, Buffer.from(await archive.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return () => rmSync(directory, { recursive: true, force: true });
}
