import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ChannelError, type ChannelAdapter } from '../channels/channel-adapter.js';
import type { Database } from '../db/database.js';
import { readOperatorsByPresence, readQueues } from './metrics.repo.js';

/** The states of an open session, each a series of `switchboard_sessions` for every group. */
const OPEN_STATES = ['waiting', 'offered', 'active'] as const;
const PRESENCES = ['available', 'away', 'rona', 'offline'] as const;
const CHANNELS = ['webchat', 'whatsapp', 'messenger'] as const;

/**
 * What this process counts for Prometheus (SPEC §8), in a registry of its own: a test or a bench that builds
 * several engines in one process reads each one's figures. Counters and the webhook histogram are this process's;
 * the queue and presence gauges are read from the database at each scrape, so every process of a deployment
 * reports the same figures for them (a dashboard takes their `max`).
 */
export interface Metrics {
  registry: Registry;
  /** Customers' messages stored, by channel (a duplicate delivery is not counted here). */
  messagesReceived: Counter<'channel'>;
  /** Deliveries of a message already stored, which changed nothing. */
  duplicatesReceived: Counter<'channel'>;
  /** Messages a channel accepted (WhatsApp and Messenger: the Graph API's 200; web chat: written for the visitor). */
  messagesSent: Counter<'channel'>;
  /** Sends a channel refused or that did not reach it; `retryable` ones are tried again. */
  sendErrors: Counter<'channel' | 'code' | 'retryable'>;
  /** From a webhook's arrival to its answer, by channel and HTTP status. */
  webhookDuration: Histogram<'channel' | 'status'>;
  /** Attempts to deliver outbound webhooks to tenants' endpoints: delivered, to be retried, or given up. */
  outboundWebhookAttempts: Counter<'outcome'>;
}

/** Node's own figures (CPU, memory, event-loop delay, garbage collection), collected once per process. */
let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    // Each collection watches the process anew (an event-loop monitor, a GC observer): one is enough.
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createMetrics(options: { database: Database; now: () => Date }): Metrics {
  const own = new Registry();
  const registers = [own];
  const { database, now } = options;
  // Both queue gauges show one read of the queues: a scrape collects them side by side.
  let reading: ReturnType<typeof readQueues> | undefined;
  const queues = () =>
    (reading ??= readQueues(database.db).finally(() => {
      reading = undefined;
    }));

  new Gauge({
    name: 'switchboard_sessions',
    help: 'Open sessions by tenant, group and state (waiting in the queue, offered to an operator, active)',
    labelNames: ['tenant', 'group', 'state'],
    registers,
    async collect() {
      const { groups, counts } = await queues();
      this.reset();
      for (const group of groups)
        for (const state of OPEN_STATES) this.set({ tenant: group.tenant, group: group.name, state }, 0);
      for (const row of counts)
        this.inc({ tenant: row.tenant, group: row.group ?? '', state: row.state }, row.sessions);
    },
  });
  new Gauge({
    name: 'switchboard_queue_longest_wait_seconds',
    help: 'How long the longest-waiting session not yet accepted (waiting or offered) has waited, by group',
    labelNames: ['tenant', 'group'],
    registers,
    async collect() {
      const { groups, counts } = await queues();
      const at = now().getTime();
      this.reset();
      for (const group of groups) this.set({ tenant: group.tenant, group: group.name }, 0);
      const oldest = new Map<string, { tenant: string; group: string; queuedAt: number }>();
      for (const row of counts) {
        if (row.state === 'active' || !row.oldestQueuedAt) continue;
        const key = `${row.tenant}\n${row.group ?? ''}`;
        const queuedAt = row.oldestQueuedAt.getTime();
        if (queuedAt < (oldest.get(key)?.queuedAt ?? Infinity))
          oldest.set(key, { tenant: row.tenant, group: row.group ?? '', queuedAt });
      }
      for (const { tenant, group, queuedAt } of oldest.values())
        this.set({ tenant, group }, Math.max(0, (at - queuedAt) / 1000));
    },
  });
  new Gauge({
    name: 'switchboard_operators',
    help: 'Active operators (every role that takes sessions) by tenant and presence',
    labelNames: ['tenant', 'presence'],
    registers,
    async collect() {
      const rows = await readOperatorsByPresence(database.db);
      this.reset();
      for (const tenant of new Set(rows.map((row) => row.tenant)))
        for (const presence of PRESENCES) this.set({ tenant, presence }, 0);
      for (const row of rows) this.set({ tenant: row.tenant, presence: row.presence }, row.operators);
    },
  });

  const metrics: Omit<Metrics, 'registry'> = {
    messagesReceived: new Counter({
      name: 'switchboard_messages_received_total',
      help: "Customers' messages stored, by channel",
      labelNames: ['channel'],
      registers,
    }),
    duplicatesReceived: new Counter({
      name: 'switchboard_messages_duplicate_total',
      help: 'Deliveries of a customer message already stored (changed nothing), by channel',
      labelNames: ['channel'],
      registers,
    }),
    messagesSent: new Counter({
      name: 'switchboard_messages_sent_total',
      help: 'Messages the channel accepted, by channel',
      labelNames: ['channel'],
      registers,
    }),
    sendErrors: new Counter({
      name: 'switchboard_send_errors_total',
      help: 'Sends the channel refused or that did not reach it, by channel, error code and whether it is retried',
      labelNames: ['channel', 'code', 'retryable'],
      registers,
    }),
    webhookDuration: new Histogram({
      name: 'switchboard_webhook_duration_seconds',
      help: "From a webhook's arrival to its answer (stored and committed when 200), by channel and status",
      labelNames: ['channel', 'status'],
      // Finer up to 100 ms, where SPEC §10's 50 ms target lies.
      buckets: [0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    outboundWebhookAttempts: new Counter({
      name: 'switchboard_outbound_webhook_attempts_total',
      help: "Attempts to deliver outbound webhooks to tenants' endpoints, by outcome (delivered, retry, failed)",
      labelNames: ['outcome'],
      registers,
    }),
  };
  for (const outcome of ['delivered', 'retry', 'failed']) metrics.outboundWebhookAttempts.inc({ outcome }, 0);
  // Every channel's counters from 0, so that a rate is there from the first scrape.
  for (const channel of CHANNELS) {
    metrics.messagesReceived.inc({ channel }, 0);
    metrics.duplicatesReceived.inc({ channel }, 0);
    metrics.messagesSent.inc({ channel }, 0);
  }
  return { ...metrics, registry: Registry.merge([processMetrics(), own]) };
}

/**
 * A channel adapter whose sends are counted: accepted, or refused with the channel's error code. Every send goes
 * through its adapter, inline (web chat) or from the outbox (WhatsApp, Messenger).
 */
export function countedSends(adapter: ChannelAdapter, metrics: Metrics): ChannelAdapter {
  const channel = adapter.channel;
  return {
    ...adapter,
    async send(context, message) {
      try {
        const result = await adapter.send(context, message);
        metrics.messagesSent.inc({ channel });
        return result;
      } catch (error) {
        const failure = error instanceof ChannelError ? error : undefined;
        metrics.sendErrors.inc({
          channel,
          code: failure?.code ?? 'network',
          retryable: String(failure?.retryable ?? true),
        });
        throw error;
      }
    },
  };
}
