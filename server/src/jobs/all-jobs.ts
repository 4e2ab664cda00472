import type { TSchema } from 'typebox';
import type { Database } from '../db/database.js';
import type { JobDefinition } from './job-definition.js';
import { pruneExpired } from './prune-expired.js';

/** What every job handler may use. */
export interface JobDeps {
  database: Database;
  now: () => Date;
}

/** Every job the worker role runs. */
export const allJobs: JobDefinition<TSchema, JobDeps>[] = [pruneExpired as JobDefinition<TSchema, JobDeps>];
