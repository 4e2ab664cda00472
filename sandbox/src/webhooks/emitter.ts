import type { SandboxClock } from '../clock.js';
import type { DeliverySwitches, ResolvedOptions } from '../options.js';
import { signatureHeaders, toMetaJson } from './meta-json.js';
import {
  buildMessengerPayload,
  buildWhatsAppPayload,
  type MessengerEvent,
  type WebhookEvent,
  type WhatsAppEvent,
} from './payloads.js';

/** One attempt to deliver a webhook POST. */
export interface DeliveryAttempt {
  product: 'whatsapp' | 'messenger';
  url: string;
  attempt: number;
  body: string;
  status?: number;
  error?: string;
  gaveUp?: boolean;
  /** Sandbox-clock time of the next attempt, when retries follow the sandbox clock. */
  nextAttemptAt?: number;
  at: number;
}

/** A retry waiting for the sandbox clock to reach its time. */
interface ParkedRetry {
  due: number;
  product: 'whatsapp' | 'messenger';
  url: string;
  body: string;
  attempt: number;
  firstAt: number;
}

export type SignatureMode = 'valid' | 'invalid' | 'missing';

/**
 * Delivers webhooks like Meta: signed POSTs to every callback URL, retried with backoff on non-200, with
 * switches to duplicate, reorder, batch and delay. Events emitted in the same tick form one burst. Retries run
 * on real-time delays (short test schedules) or on the sandbox clock (Meta's 7 days, which a test advances).
 */
export class WebhookEmitter {
  readonly attempts: DeliveryAttempt[] = [];
  /** Messenger callback URLs dropped after persistent failure (until a new handshake succeeds). */
  readonly unsubscribed = new Set<string>();
  private readonly buffers = { whatsapp: [] as WebhookEvent[], messenger: [] as WebhookEvent[] };
  private readonly flushWaiters = { whatsapp: [] as (() => void)[], messenger: [] as (() => void)[] };
  private readonly scheduled = { whatsapp: false, messenger: false };
  private chain = { whatsapp: Promise.resolve(), messenger: Promise.resolve() };
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly parked: ParkedRetry[] = [];
  private poller: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly switches: DeliverySwitches,
    private readonly clock: SandboxClock,
  ) {}

  /** Retries waiting for the sandbox clock, soonest first. */
  pendingRetries(): { product: string; url: string; attempt: number; due: number }[] {
    return this.parked.map(({ product, url, attempt, due }) => ({ product, url, attempt, due }));
  }

  /**
   * Makes the retries whose time the sandbox clock has reached; called when the clock is advanced, and every
   * second while retries wait (a clock that follows real time reaches them on its own).
   */
  releaseDueRetries(): Promise<void> {
    const now = this.clock.now();
    const due = this.parked.filter((r) => r.due <= now);
    if (due.length === 0) return Promise.resolve();
    this.parked.splice(0, this.parked.length, ...this.parked.filter((r) => r.due > now));
    if (this.parked.length === 0) this.stopPoller();
    const run = (async () => {
      for (const r of due) await this.deliver(r.product, r.url, r.body, r.attempt, r.firstAt);
    })();
    this.track(run);
    return run;
  }

  /** Queues events; resolves once the first delivery attempt of the POSTs carrying them has finished. */
  emit(events: WebhookEvent[]): Promise<void> {
    const byProduct = { whatsapp: [] as WebhookEvent[], messenger: [] as WebhookEvent[] };
    for (const e of events) byProduct[e.product].push(e);
    const waits: Promise<void>[] = [];
    for (const product of ['whatsapp', 'messenger'] as const) {
      if (byProduct[product].length === 0) continue;
      this.buffers[product].push(...byProduct[product]);
      waits.push(new Promise<void>((resolve) => this.flushWaiters[product].push(resolve)));
      this.schedule(product);
    }
    return Promise.all(waits).then(() => undefined);
  }

  /**
   * Resolves when nothing is queued, in flight or waiting for a real-time retry. Retries on the sandbox clock
   * wait for the clock, not for this.
   */
  async idle(): Promise<void> {
    // Let work that a just-finished response schedules (statuses, echoes) get queued first.
    await new Promise((r) => setTimeout(r, 5));
    for (;;) {
      const pending = [...this.inflight];
      if (
        pending.length === 0 &&
        !this.scheduled.whatsapp &&
        !this.scheduled.messenger &&
        this.timers.size === 0
      ) {
        return;
      }
      await Promise.allSettled(pending);
      await new Promise((r) => setTimeout(r, pending.length === 0 ? 2 : 0));
    }
  }

  /** Posts a raw payload once, with a valid, invalid or missing signature (to test rejection). */
  async sendRaw(product: 'whatsapp' | 'messenger', payload: unknown, signature: SignatureMode) {
    const body = toMetaJson(payload);
    const results: { url: string; status?: number; error?: string }[] = [];
    for (const url of this.urls(product)) {
      const headers = signatureHeaders(
        body,
        signature === 'invalid' ? 'not-the-app-secret' : this.options.app.appSecret,
      );
      const sent = await this.post(product, url, body, signature === 'missing' ? {} : headers);
      results.push({ url, ...sent });
    }
    return results;
  }

  /** Stops delivering: pending bursts and retries are dropped, and whoever waits on them is released. */
  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.parked.length = 0;
    this.stopPoller();
    for (const product of ['whatsapp', 'messenger'] as const) {
      this.scheduled[product] = false;
      this.buffers[product].length = 0;
      for (const waiter of this.flushWaiters[product].splice(0)) waiter();
    }
  }

  private urls(product: 'whatsapp' | 'messenger'): string[] {
    return product === 'whatsapp'
      ? this.options.app.whatsappCallbackUrls
      : this.options.app.messengerCallbackUrls.filter((url) => !this.unsubscribed.has(url));
  }

  private schedule(product: 'whatsapp' | 'messenger'): void {
    if (this.closed) {
      for (const waiter of this.flushWaiters[product].splice(0)) waiter();
      this.buffers[product].length = 0;
      return;
    }
    if (this.scheduled[product]) return;
    this.scheduled[product] = true;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const events = this.buffers[product].splice(0);
      const waiters = this.flushWaiters[product].splice(0);
      this.scheduled[product] = false;
      const run = this.chain[product]
        .then(() => this.flush(product, events))
        .finally(() => waiters.forEach((w) => w()));
      // A failed burst must not block the ones after it.
      this.chain[product] = run.catch(() => undefined);
      this.track(run);
    }, this.switches.delayMs);
    this.timers.add(timer);
  }

  private async flush(product: 'whatsapp' | 'messenger', events: WebhookEvent[]): Promise<void> {
    if (this.switches.reorder) events.reverse();
    const size = Math.max(1, Math.floor(this.switches.batchSize));
    for (let i = 0; i < events.length; i += size) {
      for (const body of this.bodies(product, events.slice(i, i + size))) {
        const copies = this.switches.duplicate ? 2 : 1;
        for (let copy = 0; copy < copies; copy++) {
          await Promise.all(this.urls(product).map((url) => this.deliver(product, url, body, 1)));
        }
      }
    }
  }

  /** The POST bodies for a batch: split in halves until each fits Meta's 3 MB (one event never is split). */
  private bodies(product: 'whatsapp' | 'messenger', group: WebhookEvent[]): string[] {
    const payload =
      product === 'whatsapp'
        ? buildWhatsAppPayload(this.options, group as WhatsAppEvent[])
        : buildMessengerPayload(group as MessengerEvent[], this.clock.now());
    const body = toMetaJson(payload);
    if (Buffer.byteLength(body, 'utf8') <= this.options.webhookPayloadLimitBytes) return [body];
    if (group.length === 1) {
      this.record({
        product,
        url: '',
        attempt: 0,
        body: body.slice(0, 1000),
        error: `payload of ${Buffer.byteLength(body, 'utf8')} bytes exceeds Meta's ${this.options.webhookPayloadLimitBytes}`,
        gaveUp: true,
        at: this.clock.now(),
      });
      return [];
    }
    const half = Math.ceil(group.length / 2);
    return [...this.bodies(product, group.slice(0, half)), ...this.bodies(product, group.slice(half))];
  }

  private record(attempt: DeliveryAttempt): void {
    this.attempts.push(attempt);
    if (this.attempts.length > 10_000) this.attempts.splice(0, this.attempts.length - 10_000);
  }

  private async deliver(
    product: 'whatsapp' | 'messenger',
    url: string,
    body: string,
    attempt: number,
    firstAt = this.clock.now(),
  ) {
    if (this.closed) return;
    const result = await this.post(product, url, body, signatureHeaders(body, this.options.app.appSecret));
    const record: DeliveryAttempt = { product, url, attempt, body, ...result, at: this.clock.now() };
    this.record(record);
    if (result.status === 200) return;
    const policy = this.options.retries;
    if (policy.clock === 'sandbox') {
      const delay = Math.min(policy.firstDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
      const due = record.at + delay;
      if (due - firstAt > policy.giveUpAfterMs) return this.giveUp(record, product, url);
      record.nextAttemptAt = due;
      this.parked.push({ due, product, url, body, attempt: attempt + 1, firstAt });
      this.parked.sort((a, b) => a.due - b.due);
      this.startPoller();
      return;
    }
    const delay = policy.delaysMs[attempt - 1];
    if (delay === undefined) return this.giveUp(record, product, url);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.deliver(product, url, body, attempt + 1, firstAt));
    }, delay);
    this.timers.add(timer);
  }

  private giveUp(record: DeliveryAttempt, product: 'whatsapp' | 'messenger', url: string): void {
    record.gaveUp = true;
    // Meta unsubscribes a Messenger app whose webhook keeps failing; it must subscribe again.
    if (product === 'messenger' && this.switches.unsubscribeOnFailure) this.unsubscribed.add(url);
  }

  private startPoller(): void {
    if (this.poller || this.closed) return;
    this.poller = setInterval(() => void this.releaseDueRetries(), 1_000);
    this.poller.unref();
  }

  private stopPoller(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  private async post(
    product: 'whatsapp' | 'messenger',
    url: string,
    body: string,
    headers: Record<string, string>,
  ) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', ...headers },
        body,
        signal: AbortSignal.timeout(this.options.webhookTimeoutMs[product]),
      });
      await response.arrayBuffer();
      return { status: response.status };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }
}
