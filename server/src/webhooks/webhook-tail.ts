import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { queryRows, type Database, type Executor } from '../db/database.js';
import { sessions, webhookDeliveries, webhookEndpoints } from '../db/schema.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { setTimer } from '../jobs/timers.js';
import { runEvery } from '../lib/run-every.js';
import { currentSeq } from '../realtime/realtime-events.repo.js';
import { deliverWebhook } from './deliver-webhook.job.js';
import { webhookEventOf, type WebhookEvent } from './webhook-events.js';
import { lockCursor, moveCursor, tenantsBehind } from './webhooks.repo.js';

/** Events read at a time. */
const PAGE = 500;
/** How often the worker looks for events not yet turned into deliveries. */
const EVERY_MS = 1_000;

export interface WebhookTail {
  start(): void;
  stop(): Promise<void>;
  /** Turns every tenant's new events into deliveries now (what each tick does). */
  catchUp(): Promise<void>;
}

interface TailDeps {
  database: Database;
  jobs: JobQueue;
  now: () => Date;
}

/**
 * Follows each tenant's realtime events, in their number order, and turns those endpoints subscribe to into
 * deliveries, each with a job that sends it. The events are already in the database, written in the transactions
 * that caused them, so the hot paths pay nothing for webhooks and nothing committed is missed: the cursor moves in
 * the transaction that stores the deliveries, and a tenant is followed by one process at a time (its cursor row is
 * locked, others skip it). Runs in the worker role.
 */
export function createWebhookTail(deps: TailDeps, logger: Logger): WebhookTail {
  let stopTimer: (() => Promise<void>) | undefined;
  const tail: WebhookTail = {
    start() {
      stopTimer ??= runEvery(EVERY_MS, () =>
        tail.catchUp().catch((error: unknown) => logger.warn({ err: error }, 'webhook events not followed')),
      );
    },
    async stop() {
      await stopTimer?.();
      stopTimer = undefined;
    },
    async catchUp() {
      for (const tenantId of await tenantsBehind(deps.database.db)) {
        while (await followPage(deps, tenantId));
      }
    },
  };
  return tail;
}

/** One page of a tenant's events turned into deliveries; answers whether more may follow. */
async function followPage(deps: TailDeps, tenantId: string): Promise<boolean> {
  return deps.database.db.transaction(async (tx) => {
    const after = await lockCursor(tx, tenantId);
    if (after === undefined) return false;
    // Numbers follow commits (decision 13): every event up to the counter's value is committed and visible.
    const upTo = await currentSeq(tx, tenantId);
    const events = await queryRows<{
      seq: string | number;
      name: string;
      payload: unknown;
      created_at: Date;
    }>(
      tx,
      sql`SELECT seq, name, payload, created_at FROM realtime_events
          WHERE tenant_id = ${tenantId} AND seq > ${after} AND seq <= ${upTo}
            AND name IN ('session.timeline', 'message.created', 'message.updated')
          ORDER BY seq LIMIT ${PAGE}`,
    );
    const full = events.length === PAGE;
    const reached = full ? Number(events.at(-1)!.seq) : upTo;
    const found = events.flatMap((event) => {
      const webhookEvent = webhookEventOf({
        seq: Number(event.seq),
        name: event.name,
        payload: event.payload,
        createdAt: new Date(event.created_at).toISOString(),
      });
      return webhookEvent ? [webhookEvent] : [];
    });
    if (found.length > 0) await storeDeliveries(tx, deps, tenantId, found);
    if (reached > after) await moveCursor(tx, tenantId, reached);
    return full;
  });
}

async function storeDeliveries(tx: Executor, deps: TailDeps, tenantId: string, events: WebhookEvent[]) {
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.enabled, true)));
  const wanted = events.filter((event) => endpoints.some((endpoint) => endpoint.events.includes(event.type)));
  if (wanted.length === 0) return;
  const sessionIds = [...new Set(wanted.map((event) => event.sessionId))];
  const sessionRows = await tx
    .select({
      id: sessions.id,
      channel: sessions.channel,
      channelAccountId: sessions.channelAccountId,
      contactId: sessions.contactId,
      groupId: sessions.groupId,
    })
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), inArray(sessions.id, sessionIds)));
  const sessionOf = new Map(sessionRows.map((row) => [row.id, row]));
  const now = deps.now();
  // One row per endpoint and key: a message's status may be announced twice within one page.
  const rows = new Map<string, typeof webhookDeliveries.$inferInsert>();
  for (const event of wanted) {
    const payload = {
      id: event.id,
      type: event.type,
      createdAt: event.createdAt,
      data: { ...event.data, session: sessionOf.get(event.sessionId) ?? { id: event.sessionId } },
    };
    for (const endpoint of endpoints) {
      const key = `${endpoint.id} ${event.dedupeKey}`;
      if (!endpoint.events.includes(event.type) || rows.has(key)) continue;
      rows.set(key, {
        tenantId,
        endpointId: endpoint.id,
        eventType: event.type,
        eventId: event.id,
        dedupeKey: event.dedupeKey,
        payload,
        nextAttemptAt: now,
      });
    }
  }
  const inserted = await tx
    .insert(webhookDeliveries)
    .values([...rows.values()])
    .onConflictDoNothing({ target: [webhookDeliveries.endpointId, webhookDeliveries.dedupeKey] })
    .returning({ id: webhookDeliveries.id });
  for (const { id } of inserted) await setTimer(deps, deliverWebhook, { deliveryId: id }, now, tx);
}
