import type { InboundDriver, InboundPhase } from './inbound.js';
import { closeAll, connectOperators } from './operator-sockets.js';
import { rssMiB } from './processes.js';
import type { BenchOperator } from './seed-bench.js';

export interface ScaleResult {
  targetSessions: number;
  openSessions: number;
  /** The phase that opened the missing sessions with first messages from new customers. */
  topUp: InboundPhase | undefined;
  /** Sessions still missing after the time allowed for webhooks, inserted through the server's repositories. */
  inserted: number;
  operators: number;
  /** RSS before the scale operators connected, with the sessions open. */
  rssBeforeMiB: number;
  /** Highest RSS seen with every operator connected, while messages fan out to them. */
  rssPeakMiB: number;
  connectMs: number;
  /** Events the scale operators' sockets received during the fan-out burst. */
  fanOutEvents: number;
  burst: InboundPhase;
}

/**
 * One node holding many open sessions and many connected operators. Sessions are opened the way they are in
 * production, by customers' first messages (new customers only), until `sessions` are open or the time allowed
 * is over (the rest are inserted through the server's repositories, and the table says how many); then `operators`
 * sockets connect (all in the sessions' group), and a short burst of messages fans out to all of them while the
 * app's RSS is sampled.
 */
export async function runScale(options: {
  url: string;
  pid: number;
  driver: InboundDriver;
  countOpenSessions: () => Promise<number>;
  insertWaitingSessions: (count: number) => Promise<void>;
  /** Puts the scale operators in the sessions' group. */
  joinGroup: () => Promise<void>;
  sessions: number;
  operators: BenchOperator[];
  topUpLimitMs: number;
  concurrency: number;
  burstRate: number;
  burstMs: number;
}): Promise<ScaleResult> {
  const open = await options.countOpenSessions();
  let topUp: InboundPhase | undefined;
  if (open < options.sessions) {
    topUp = await options.driver.saturate(
      'open sessions (new customers)',
      options.concurrency,
      options.topUpLimitMs,
      10_000,
      {
        mix: 'new',
        stopAfterOk: options.sessions - open,
      },
    );
  }
  let openSessions = await options.countOpenSessions();
  const inserted = Math.max(0, options.sessions - openSessions);
  if (inserted > 0) {
    await options.insertWaitingSessions(inserted);
    openSessions = await options.countOpenSessions();
  }
  await options.joinGroup();
  const rssBeforeMiB = rssMiB(options.pid);

  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, rssMiB(options.pid));
  };
  let fanOutEvents = 0;
  const connectStart = Date.now();
  const sockets = await connectOperators(options.url, options.operators, () => fanOutEvents++);
  const connectMs = Date.now() - connectStart;
  fanOutEvents = 0;
  sample();
  const sampler = setInterval(sample, 200);
  const burst = await options.driver.steady(
    'fan-out to all operators',
    options.burstRate,
    options.burstMs,
    10_000,
  );
  clearInterval(sampler);
  sample();
  closeAll(sockets);
  return {
    targetSessions: options.sessions,
    openSessions,
    topUp,
    inserted,
    operators: sockets.length,
    rssBeforeMiB,
    rssPeakMiB: peak,
    connectMs,
    fanOutEvents,
    burst,
  };
}
