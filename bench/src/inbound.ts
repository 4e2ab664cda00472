import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import type { EventEnvelope } from '../../server/src/realtime/event-map.js';
import { Latencies, Outcomes, closedLoop, openLoop, postWebhook } from './load.js';
import type { PhaseProfile } from './profile.js';
import { appSideOf, readAppMetrics, type AppSide } from './app-metrics.js';
import { inboundWebhook, messageNumberOf, type CustomerMix, type CustomerPool } from './webhook.js';

/** What one inbound phase measured. Only messages answered 200 AND seen on an operator's socket count. */
export interface InboundPhase {
  label: string;
  /** Requests offered (open loop: scheduled and sent). */
  sent: number;
  outcomes: Outcomes;
  /** Answered 200 and pushed to at least one operator socket. */
  delivered: number;
  /** Answered 200 but never seen by an operator within the grace period. */
  unseen: number;
  /** Open loop only: scheduled requests not sent because too many were outstanding. */
  skipped: number;
  elapsedMs: number;
  msgsPerS: number;
  webhook: Latencies;
  toOperator: Latencies;
  /** Open loop only: the rate asked for. */
  targetRate?: number;
  /** Where the time went, when the phase was profiled. */
  profile?: PhaseProfile;
  /**
   * How late the bench's own event loop ran during the phase (beyond its 10 ms sampling timer), in ms: the
   * latencies above include it, since an answer or an event is timed when the bench's thread gets to it.
   */
  generatorDelay: { p99Ms: number; maxMs: number };
  /** The same phase as the app's own `/metrics` saw it, when it answered. */
  app?: AppSide;
}

/** Samples how late the bench's event loop runs, every `SAMPLE_MS`. */
const SAMPLE_MS = 10;

/**
 * Runs a phase's load while measuring how late the bench's own event loop runs (`generatorDelay`), and reads the
 * app's `/metrics` before and after it (`app`): the webhooks' time inside the app, without the bench's share.
 */
async function watching<T>(pool: Pool, phase: InboundPhase, load: () => Promise<T>): Promise<T> {
  const before = await readAppMetrics(pool);
  const histogram = monitorEventLoopDelay({ resolution: SAMPLE_MS });
  histogram.enable();
  try {
    return await load();
  } finally {
    histogram.disable();
    const late = (ns: number) => Math.max(0, ns / 1e6 - SAMPLE_MS);
    phase.generatorDelay = { p99Ms: late(histogram.percentile(99)), maxMs: late(histogram.max) };
    const app = appSideOf(before, await readAppMetrics(pool));
    if (app) phase.app = app;
  }
}

interface Tracked {
  start: number;
  answeredAt?: number;
  seenAt?: number;
}

/** The text of the newest message an operator event shows: the session's last message, or the message itself. */
function textOf(event: EventEnvelope): string | null | undefined {
  const payload = event.payload as Record<string, unknown>;
  if (event.name === 'message.created') return payload.text as string | null;
  if (event.name === 'session.changed' || event.name === 'offer.created') {
    const session = payload.session as { lastMessage: { text: string | null } | null } | undefined;
    return session?.lastMessage?.text;
  }
  return undefined;
}

/**
 * Sends signed WhatsApp webhooks and matches them to what operators' sockets receive. Which event carries an
 * inbound message depends on the session: a waiting or offered session reaches its group's operators as
 * `session.changed` (and the offered operator as `offer.created`), with the message as `lastMessage`; an active
 * one also as `message.created` to its participants. Each is matched back by the message's text.
 */
export class InboundDriver {
  private next = 0;
  private tracked = new Map<number, Tracked>();
  private waiting: { remaining: number; resolve: () => void } | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly customers: CustomerPool,
    private readonly runId: string,
  ) {}

  /** Give this to every operator socket. */
  readonly onOperatorEvent = (event: EventEnvelope): void => {
    const n = messageNumberOf(textOf(event));
    if (n === undefined) return;
    const entry = this.tracked.get(n);
    if (!entry || entry.seenAt !== undefined) return;
    entry.seenAt = performance.now();
    if (entry.answeredAt !== undefined && this.waiting && --this.waiting.remaining === 0)
      this.waiting.resolve();
  };

  /** Sends one message from a new or returning customer; resolves when answered. */
  private async sendOne(phase: InboundPhase, mix: CustomerMix = 'mixed'): Promise<void> {
    const n = this.next++;
    const customer = this.customers.take(mix);
    const { body, signature } = inboundWebhook({ runId: this.runId, n, waId: customer.waId });
    const entry: Tracked = { start: performance.now() };
    this.tracked.set(n, entry);
    phase.sent++;
    const status = await postWebhook(this.pool, '/webhooks/whatsapp', body, signature);
    const now = performance.now();
    this.customers.release(customer.waId);
    phase.outcomes.add(status);
    if (status === 200) {
      entry.answeredAt = now;
      phase.webhook.record(now - entry.start);
    } else {
      this.tracked.delete(n);
    }
  }

  /** As fast as the app answers, with `concurrency` requests outstanding, for `durationMs`. */
  async saturate(
    label: string,
    concurrency: number,
    durationMs: number,
    graceMs: number,
    options: { mix?: CustomerMix; stopAfterOk?: number } = {},
  ) {
    const phase = emptyPhase(label);
    const start = performance.now();
    await watching(this.pool, phase, () =>
      closedLoop({
        concurrency,
        durationMs,
        send: () => this.sendOne(phase, options.mix),
        done: () => options.stopAfterOk !== undefined && phase.outcomes.ok >= options.stopAfterOk,
      }),
    );
    return this.finish(phase, start, graceMs);
  }

  /** At a fixed rate for `durationMs`: the latencies a steady load of `rate` messages/s sees. */
  async steady(label: string, rate: number, durationMs: number, graceMs: number) {
    const phase = emptyPhase(label);
    phase.targetRate = rate;
    const start = performance.now();
    const result = await watching(this.pool, phase, () =>
      openLoop({ rate, durationMs, maxInFlight: Math.max(64, rate), send: () => this.sendOne(phase) }),
    );
    phase.skipped = result.skipped;
    return this.finish(phase, start, graceMs);
  }

  /** Waits (up to `graceMs`) for operators to see every answered message, then tallies and forgets them. */
  private async finish(phase: InboundPhase, start: number, graceMs: number): Promise<InboundPhase> {
    const unseen = () =>
      [...this.tracked.values()].filter((t) => t.answeredAt !== undefined && t.seenAt === undefined).length;
    const remaining = unseen();
    if (remaining > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.waiting = {
          remaining,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
      this.waiting = undefined;
    }
    let last = start;
    for (const entry of this.tracked.values()) {
      if (entry.answeredAt === undefined) continue;
      if (entry.seenAt === undefined) {
        phase.unseen++;
        continue;
      }
      phase.delivered++;
      phase.toOperator.record(entry.seenAt - entry.start);
      last = Math.max(last, entry.seenAt, entry.answeredAt);
    }
    this.tracked.clear();
    phase.elapsedMs = last - start;
    phase.msgsPerS = phase.elapsedMs > 0 ? (phase.delivered * 1000) / phase.elapsedMs : 0;
    return phase;
  }
}

function emptyPhase(label: string): InboundPhase {
  return {
    label,
    sent: 0,
    outcomes: new Outcomes(),
    delivered: 0,
    unseen: 0,
    skipped: 0,
    elapsedMs: 0,
    msgsPerS: 0,
    webhook: new Latencies(),
    toOperator: new Latencies(),
    generatorDelay: { p99Ms: 0, maxMs: 0 },
  };
}
