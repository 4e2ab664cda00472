import type { Pool } from 'undici';
import { parseMetrics, type Sample } from '../../server/src/metrics/prometheus-text.js';

/** What the app's own `/metrics` showed of one phase: the webhooks' time inside the app, and its event loop. */
export interface AppSide {
  /** WhatsApp webhooks answered 200 in the phase, by the app's count. */
  webhooks: number;
  /** Estimated from the histogram's buckets, as Prometheus' `histogram_quantile` does (linear within a bucket). */
  webhookP50Ms: number;
  webhookP99Ms: number;
  /** The share answered within 50 ms of their arrival, exactly (50 ms is a bucket's bound). */
  within50Ms: number;
  /** How late the app's event loop ran in the phase (beyond prom-client's 10 ms sampling timer). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const WEBHOOK = 'switchboard_webhook_duration_seconds';
/** prom-client samples the event loop with a 10 ms timer; what exceeds it is lateness. */
const LOOP_RESOLUTION_MS = 10;

/**
 * Reads the app's `/metrics` (the bench calls from this machine, which the app allows). Reading it also starts
 * the app's event-loop figures afresh (prom-client resets them at each read), so a read before a phase and one
 * after it bound the phase. Undefined when the app does not answer it.
 */
export async function readAppMetrics(pool: Pool): Promise<Sample[] | undefined> {
  try {
    const response = await pool.request({ path: '/metrics', method: 'GET' });
    const text = await response.body.text();
    return response.statusCode === 200 ? parseMetrics(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The phase between two reads of the app's metrics. */
export function appSideOf(before: Sample[] | undefined, after: Sample[] | undefined): AppSide | undefined {
  if (!before || !after) return undefined;
  const ok = (sample: Sample) => sample.labels.channel === 'whatsapp' && sample.labels.status === '200';
  const buckets = (samples: Sample[]) =>
    new Map(
      samples
        .filter((sample) => sample.name === `${WEBHOOK}_bucket` && ok(sample))
        .map((sample) => [sample.labels.le!, sample.value]),
    );
  const start = buckets(before);
  const cumulative = [...buckets(after)]
    .map(([le, count]) => ({
      le: le === '+Inf' ? Infinity : Number(le),
      count: count - (start.get(le) ?? 0),
    }))
    .sort((a, b) => a.le - b.le);
  const total = cumulative.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const quantile = (q: number) => {
    const rank = q * total;
    let lower = 0;
    let below = 0;
    for (const { le, count } of cumulative) {
      if (count >= rank) {
        if (le === Infinity) return lower * 1000;
        return (lower + ((le - lower) * (rank - below)) / Math.max(1, count - below)) * 1000;
      }
      lower = le;
      below = count;
    }
    return lower * 1000;
  };
  const loop = (name: string) =>
    Math.max(0, (after.find((sample) => sample.name === name)?.value ?? 0) * 1000 - LOOP_RESOLUTION_MS);
  return {
    webhooks: total,
    webhookP50Ms: quantile(0.5),
    webhookP99Ms: quantile(0.99),
    within50Ms: (cumulative.find((bucket) => bucket.le === 0.05)?.count ?? 0) / total,
    loopDelayP99Ms: loop('nodejs_eventloop_lag_p99_seconds'),
    loopDelayMaxMs: loop('nodejs_eventloop_lag_max_seconds'),
  };
}
