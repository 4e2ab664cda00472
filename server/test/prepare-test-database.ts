import { pino } from 'pino';
import type { Database } from '../src/db/database.js';
import { allJobs } from '../src/jobs/all-jobs.js';
import { createJobQueue } from '../src/jobs/job-queue.js';

/**
 * What every test database has before its first test, done once a run: the migrations, and the job queue's schema
 * and queues, which the engine otherwise installs on its first start.
 */
export async function prepareTestDatabase(database: Database): Promise<void> {
  await database.migrate();
  const jobs = await createJobQueue({
    database,
    logger: pino({ level: 'silent' }),
    definitions: allJobs,
    deps: undefined as never,
  });
  await jobs.stop();
}
