import type { Logger } from 'pino';
import { webchatAdapter } from '../channels/webchat/webchat-adapter.js';
import { messengerAdapter } from '../channels/messenger/messenger-adapter.js';
import { whatsappAdapter } from '../channels/whatsapp/whatsapp-adapter.js';
import type { Database } from '../db/database.js';
import type { FileStore } from '../files/file-store.js';
import { allJobs, type JobDeps } from '../jobs/all-jobs.js';
import { createJobQueue, type JobQueue } from '../jobs/job-queue.js';
import { createDispatcher, type Dispatcher } from '../routing/dispatcher.js';
import { createChannelRegistry } from './engine-deps.js';
import { createGroupCommit, type GroupCommit } from '../lib/group-commit.js';
import { storeInboundBatch, type InboundInput, type InboundResult } from './receive-inbound.js';
import { storeSends, type OperatorSend } from './send-message.js';
import { createOutbox, type Outbox } from './outbox.js';
import { sendOutbox } from './send-outbound.js';
import type { MessageSummary } from '../realtime/event-map.js';
import { countedSends, createMetrics } from '../metrics/metrics.js';
import { createWebhookTail, type WebhookTail } from '../webhooks/webhook-tail.js';

/**
 * Inbound transactions that run side by side on PostgreSQL (the pool has more connections, for everything else).
 * Few, so that under load events queue while a lane writes and are then written together: returning customers'
 * messages share their statements (store-returning-messages.ts) and every event its transaction's one insert of
 * realtime events. With 16 lanes nearly every group held one event; with 3, saturated inbound rose by a quarter.
 * Since transactions number their events with the tenant's counter row locked to the commit (decision 13), a third
 * lane mostly waited for that row: with 2, full runs took 1,590–1,744 msg/s against 1,539–1,575 with 3, and 5 lanes
 * took 1,463 (docs/performance.md).
 */
const INBOUND_LANES = 2;
const REPLY_LANES = 3;

/**
 * Assembles the conversation engine: the channel adapters, the job queue with every job, and the clock. The
 * job handlers receive the same object, so a timer and a request run the same use cases.
 */
export async function createEngine(options: {
  database: Database;
  logger: Logger;
  fileStore: FileStore;
  now?: () => Date;
  pollingIntervalSeconds?: number;
}): Promise<JobDeps> {
  const now = options.now ?? (() => new Date());
  const metrics = createMetrics({ database: options.database, now });
  const engine = {
    database: options.database,
    now,
    fileStore: options.fileStore,
    metrics,
    channels: createChannelRegistry(
      [webchatAdapter, whatsappAdapter, messengerAdapter].map((adapter) => countedSends(adapter, metrics)),
    ),
    jobs: undefined as unknown as JobQueue,
    outbox: undefined as unknown as Outbox,
    dispatcher: undefined as unknown as Dispatcher,
    inbound: undefined as unknown as GroupCommit<InboundInput, InboundResult>,
    replies: undefined as unknown as GroupCommit<OperatorSend, MessageSummary>,
    webhooks: undefined as unknown as WebhookTail,
  };
  engine.dispatcher = createDispatcher(engine, options.logger);
  // PGlite runs one transaction at a time, PostgreSQL a few side by side, each taking what queued meanwhile. Both
  // gather what a turn of the event loop brings (group-commit.ts): on PostgreSQL a lane that started at once took
  // the turn's first request alone, and a quick run made 5.2 queries a message at a fixed 400/s and 1.6 from
  // returning customers; gathering, 3.0 and 1.0 (docs/performance.md).
  engine.inbound = createGroupCommit((inputs) => storeInboundBatch(engine, inputs), {
    lanes: options.database.driver === 'pglite' ? 1 : INBOUND_LANES,
    maxBatch: 32,
    gather: true,
  });
  // Operators' messages likewise: a few transactions side by side leave the pool to the outbox and the rest. A
  // session's messages are in one of them at a time: each locks its sessions, and lanes that shared one waited for
  // each other's commits, one after another.
  engine.replies = createGroupCommit((sends) => storeSends(engine, sends), {
    lanes: options.database.driver === 'pglite' ? 1 : REPLY_LANES,
    maxBatch: 32,
    gather: true,
    keyOf: (send) => send.sessionId,
  });
  engine.outbox = createOutbox({
    database: options.database,
    logger: options.logger,
    send: (items) => sendOutbox(engine, items, options.logger),
    ...(options.pollingIntervalSeconds ? { pollMs: options.pollingIntervalSeconds * 1000 } : {}),
  });
  engine.jobs = await createJobQueue({
    database: options.database,
    logger: options.logger,
    definitions: allJobs,
    deps: engine,
    ...(options.pollingIntervalSeconds ? { pollingIntervalSeconds: options.pollingIntervalSeconds } : {}),
  });
  engine.webhooks = createWebhookTail(engine, options.logger);
  return engine;
}
