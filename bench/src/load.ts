import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { Pool } from 'undici';

/** Latencies in microseconds; percentiles read back in milliseconds. */
export class Latencies {
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });

  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The percentile in ms; NaN when nothing was recorded. */
  percentile(p: number): number {
    return this.count ? this.histogram.getValueAtPercentile(p) / 1000 : Number.NaN;
  }
}

/** Counts of outcomes by HTTP status (or "error" for a failed connection). */
export class Outcomes {
  readonly byStatus = new Map<string, number>();

  add(status: number | 'error'): void {
    const key = String(status);
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
  }

  get ok(): number {
    return this.byStatus.get('200') ?? 0;
  }

  get failed(): number {
    let sum = 0;
    for (const [status, count] of this.byStatus) if (status !== '200') sum += count;
    return sum;
  }

  /** "500×3, error×1", or "none". */
  describeFailures(): string {
    const parts = [...this.byStatus].filter(([s]) => s !== '200').map(([s, c]) => `${s}×${c}`);
    return parts.length ? parts.join(', ') : 'none';
  }
}

/** A keep-alive connection pool to one origin, as a load balancer in front of the app would hold. */
export function openPool(url: string, connections: number): Pool {
  return new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
}

/** POSTs a signed webhook and resolves with its status ("error" when the connection failed). */
export async function postWebhook(
  pool: Pool,
  path: string,
  body: Buffer,
  signature: string,
): Promise<number | 'error'> {
  try {
    const response = await pool.request({
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    await response.body.dump();
    return response.statusCode;
  } catch {
    return 'error';
  }
}

/**
 * Closed loop: `concurrency` senders, each sending its next request as soon as the previous one is answered, until
 * `durationMs` has passed. Returns the elapsed time until the last answer.
 */
export async function closedLoop(options: {
  concurrency: number;
  durationMs: number;
  send: () => Promise<void>;
  /** Stops early once this is true. */
  done?: () => boolean;
}): Promise<number> {
  const start = performance.now();
  const end = start + options.durationMs;
  const worker = async () => {
    while (performance.now() < end && !options.done?.()) await options.send();
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return performance.now() - start;
}

/**
 * Open loop at a fixed rate: request i starts at start + i / rate whether or not earlier ones were answered, so a
 * slow server shows up as latency rather than as a lower offered rate. Past `maxInFlight` outstanding requests a
 * scheduled one is skipped and counted, rather than queued in the client.
 */
export async function openLoop(options: {
  rate: number;
  durationMs: number;
  maxInFlight: number;
  send: () => Promise<void>;
}): Promise<{ sent: number; skipped: number; elapsedMs: number }> {
  const start = performance.now();
  const total = Math.floor((options.rate * options.durationMs) / 1000);
  let issued = 0;
  let skipped = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * options.rate) / 1000) + 1);
      while (issued < due) {
        issued++;
        if (inFlight >= options.maxInFlight) {
          skipped++;
          continue;
        }
        inFlight++;
        const p: Promise<void> = options.send().finally(() => {
          inFlight--;
          pending.delete(p);
        });
        pending.add(p);
      }
      if (issued >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(pending);
  return { sent: issued - skipped, skipped, elapsedMs: performance.now() - start };
}
