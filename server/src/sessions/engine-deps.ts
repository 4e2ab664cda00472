import type { ChannelAdapter } from '../channels/channel-adapter.js';
import type { Channel } from '../channels/channel-accounts.repo.js';
import type { Database } from '../db/database.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Outbox } from './outbox.js';
import type { Dispatcher } from '../routing/dispatcher.js';
import type { GroupCommit } from '../lib/group-commit.js';
import type { InboundInput, InboundResult } from './receive-inbound.js';
import type { OperatorSend } from './send-message.js';
import type { MessageSummary } from '../realtime/event-map.js';
import type { Metrics } from '../metrics/metrics.js';

/** What the conversation engine's use cases and timers use. */
export interface EngineDeps {
  database: Database;
  now: () => Date;
  jobs: JobQueue;
  /** WhatsApp and Messenger messages committed for sending (outbox.ts). */
  outbox: Outbox;
  channels: ChannelRegistry;
  /** Offers queued sessions after their transaction commits (see routing/dispatcher.ts). */
  dispatcher: Dispatcher;
  /** Stores what customers do, events that arrive together in one transaction (receive-inbound.ts). */
  inbound: GroupCommit<InboundInput, InboundResult>;
  /** Stores operators' messages, those sent together in one transaction (send-message.ts). */
  replies: GroupCommit<OperatorSend, MessageSummary>;
  /** What this process counts for Prometheus (metrics/metrics.ts). */
  metrics: Metrics;
}

export interface ChannelRegistry {
  get(channel: Channel): ChannelAdapter;
}

export function createChannelRegistry(adapters: ChannelAdapter[]): ChannelRegistry {
  const byChannel = new Map(adapters.map((a) => [a.channel, a]));
  return {
    get(channel) {
      const adapter = byChannel.get(channel);
      if (!adapter) throw new Error(`No adapter for channel ${channel}`);
      return adapter;
    },
  };
}
