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
  at: number;
}

export type SignatureMode = 'valid' | 'invalid' | 'missing';

/**
 * Delivers webhooks like Meta: signed POSTs to every callback URL, retried with backoff on non-200, with
 * switches to duplicate, reorder, batch and delay. Events emitted in the same tick form one burst.
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
  private closed = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly switches: DeliverySwitches,
    private readonly clock: SandboxClock,
  ) {}

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

  /** Resolves when nothing is queued, in flight or waiting for a retry. */
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
      const group = events.slice(i, i + size);
      const payload =
        product === 'whatsapp'
          ? buildWhatsAppPayload(this.options, group as WhatsAppEvent[])
          : buildMessengerPayload(group as MessengerEvent[], this.clock.now());
      const body = toMetaJson(payload);
      const copies = this.switches.duplicate ? 2 : 1;
      for (let copy = 0; copy < copies; copy++) {
        await Promise.all(this.urls(product).map((url) => this.deliver(product, url, body, 1)));
      }
    }
  }

  private async deliver(product: 'whatsapp' | 'messenger', url: string, body: string, attempt: number) {
    if (this.closed) return;
    const result = await this.post(product, url, body, signatureHeaders(body, this.options.app.appSecret));
    const record: DeliveryAttempt = { product, url, attempt, body, ...result, at: this.clock.now() };
    this.attempts.push(record);
    if (this.attempts.length > 10_000) this.attempts.splice(0, this.attempts.length - 10_000);
    if (result.status === 200) return;
    const delay = this.options.retryDelaysMs[attempt - 1];
    if (delay === undefined) {
      record.gaveUp = true;
      // Meta unsubscribes a Messenger app whose webhook keeps failing; it must subscribe again.
      if (product === 'messenger' && this.switches.unsubscribeOnFailure) this.unsubscribed.add(url);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.deliver(product, url, body, attempt + 1));
    }, delay);
    this.timers.add(timer);
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
