import { Latencies, Outcomes, closedLoop, openPool, postWebhook } from './load.js';
import type { AppProcess } from './processes.js';
import { startProfile, type PhaseProfile } from './profile.js';
import type pg from 'pg';
import { inboundWebhook, type CustomerPool } from './webhook.js';

export interface FloorResult {
  outcomes: Outcomes;
  elapsedMs: number;
  reqPerS: number;
  latency: Latencies;
  profile?: PhaseProfile;
}

/**
 * The floor, loaded like the app: the same signed webhooks from the same mix of customers, the same number of
 * requests outstanding, for `durationMs`.
 */
export async function runFloor(options: {
  /** The floor process, started (during set-up) and stopped here once loaded. */
  floor: AppProcess;
  runId: string;
  customers: CustomerPool;
  concurrency: number;
  durationMs: number;
  /** A connection to the same database, to sample its backends. */
  client: pg.Client;
}): Promise<FloorResult> {
  const { floor } = options;
  const pool = openPool(floor.url, options.concurrency);
  const result: FloorResult = {
    outcomes: new Outcomes(),
    elapsedMs: 0,
    reqPerS: 0,
    latency: new Latencies(),
  };
  let n = 0;
  try {
    const stopProfile = await startProfile(floor.child.pid!, options.client);
    result.elapsedMs = await closedLoop({
      concurrency: options.concurrency,
      durationMs: options.durationMs,
      send: async () => {
        const customer = options.customers.take();
        const { body, signature } = inboundWebhook({
          runId: `${options.runId}-floor`,
          n: n++,
          waId: customer.waId,
        });
        const start = performance.now();
        const status = await postWebhook(pool, '/webhooks/whatsapp', body, signature);
        options.customers.release(customer.waId);
        result.outcomes.add(status);
        if (status === 200) result.latency.record(performance.now() - start);
      },
    });
    result.profile = await stopProfile();
  } finally {
    await pool.close();
    await floor.stop();
  }
  result.reqPerS = (result.outcomes.ok * 1000) / result.elapsedMs;
  return result;
}
