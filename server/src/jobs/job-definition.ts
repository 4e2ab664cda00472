import type { Static, TSchema } from 'typebox';

export interface RetryPolicy {
  /** How many times a failed run is tried again. */
  limit: number;
  delaySeconds: number;
  /** Doubles the delay after each failure. */
  backoff: boolean;
}

/**
 * A named job: payload schema, handler and retry policy. Jobs are rows in PostgreSQL (pg-boss), claimed so that
 * each runs once across processes and survives a restart; timers are jobs with a start time.
 */
export interface JobDefinition<S extends TSchema = TSchema, D = unknown> {
  name: string;
  payload: S;
  retry: RetryPolicy;
  /** A run that takes longer than this is considered failed and retried. */
  expireInSeconds?: number;
  /**
   * Independent fetch loops in each worker process (default 1). A loop fetches a batch and fetches the next when
   * the slowest job of it has finished, so a queue whose jobs wait on the network needs several.
   */
  workers?: number;
  /** Jobs fetched per poll and run side by side (default 20). */
  batchSize?: number;
  /** Cron expression for jobs that run on a schedule. */
  schedule?: string;
  handle(deps: D, payload: Static<S>, meta: JobMeta): Promise<void>;
  /**
   * Runs a fetched batch at once, for jobs that share their work (one read, one transaction for all): one settled
   * result per job, in order; a rejected job fails and is retried on its own. Without it, `handle` runs each.
   */
  handleBatch?(
    deps: D,
    jobs: Array<{ payload: Static<S>; meta: JobMeta }>,
  ): Promise<PromiseSettledResult<void>[]>;
}

export interface JobMeta {
  id: string;
  retryCount: number;
}

export function defineJob<S extends TSchema, D>(definition: JobDefinition<S, D>): JobDefinition<S, D> {
  return definition;
}
