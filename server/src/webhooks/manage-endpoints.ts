import { and, count, eq } from 'drizzle-orm';
import { recordAudit } from '../admin/record-audit.js';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { webhookDeliveries, webhookEndpoints } from '../db/schema.js';
import { AppError } from '../http/app-error.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { setTimer } from '../jobs/timers.js';
import { randomToken } from '../lib/tokens.js';
import { deliverWebhook } from './deliver-webhook.job.js';
import { PING, type WebhookEventType } from './webhook-events.js';
import { refusedTarget } from './webhook-target.js';
import { deliveryColumns, endpointColumns, findEndpoint, followTenantEvents } from './webhooks.repo.js';
import { webhooksRuntime } from './webhooks-runtime.js';

/** Endpoints a tenant may have. */
export const MAX_ENDPOINTS = 20;

export interface WebhookDeps {
  database: Database;
  jobs: JobQueue;
  now: () => Date;
}

export interface EndpointInput {
  url: string;
  description?: string | null | undefined;
  events: WebhookEventType[];
  enabled?: boolean | undefined;
}

function checkTarget(url: string): void {
  const refused = refusedTarget(url, webhooksRuntime().allowPrivateNetworks);
  if (refused) throw new AppError('validation_failed', refused, { field: 'url' });
}

function newSecret(): { secret: string; secretSealed: string } {
  const secret = `whsec_${randomToken(32)}`;
  return { secret, secretSealed: webhooksRuntime().secretBox.seal(secret) };
}

/** Registers an endpoint; its signing secret is in the answer only. */
export async function createEndpoint(deps: WebhookDeps, actor: Actor, input: EndpointInput) {
  checkTarget(input.url);
  const { secret, secretSealed } = newSecret();
  return deps.database.db.transaction(async (tx) => {
    const [held] = await tx
      .select({ n: count() })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.tenantId, actor.tenantId));
    if ((held?.n ?? 0) >= MAX_ENDPOINTS)
      throw new AppError('conflict', `A tenant may have at most ${MAX_ENDPOINTS} webhook endpoints`);
    const [endpoint] = await tx
      .insert(webhookEndpoints)
      .values({
        tenantId: actor.tenantId,
        url: input.url,
        description: input.description ?? null,
        events: [...new Set(input.events)],
        enabled: input.enabled ?? true,
        secretSealed,
      })
      .returning(endpointColumns);
    await followTenantEvents(tx, actor.tenantId);
    await recordAudit(
      tx,
      actor,
      'webhook.create',
      { type: 'webhook', id: endpoint!.id },
      {
        url: input.url,
        events: endpoint!.events,
      },
    );
    return { ...endpoint!, secret };
  });
}

export async function updateEndpoint(
  deps: WebhookDeps,
  actor: Actor,
  id: string,
  input: Partial<EndpointInput>,
) {
  if (input.url !== undefined) checkTarget(input.url);
  return deps.database.db.transaction(async (tx) => {
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.events !== undefined ? { events: [...new Set(input.events)] } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        updatedAt: deps.now(),
      })
      .where(and(eq(webhookEndpoints.tenantId, actor.tenantId), eq(webhookEndpoints.id, id)))
      .returning(endpointColumns);
    if (!endpoint) throw new AppError('not_found', 'No such webhook endpoint');
    await recordAudit(tx, actor, 'webhook.update', { type: 'webhook', id }, { ...input });
    return endpoint;
  });
}

export async function deleteEndpoint(deps: WebhookDeps, actor: Actor, id: string): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    const [deleted] = await tx
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.tenantId, actor.tenantId), eq(webhookEndpoints.id, id)))
      .returning({ url: webhookEndpoints.url });
    if (!deleted) throw new AppError('not_found', 'No such webhook endpoint');
    await recordAudit(tx, actor, 'webhook.delete', { type: 'webhook', id }, { url: deleted.url });
  });
}

/** A new signing secret; the old one stops working at once. */
export async function rotateSecret(deps: WebhookDeps, actor: Actor, id: string): Promise<{ secret: string }> {
  const { secret, secretSealed } = newSecret();
  await deps.database.db.transaction(async (tx) => {
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ secretSealed, updatedAt: deps.now() })
      .where(and(eq(webhookEndpoints.tenantId, actor.tenantId), eq(webhookEndpoints.id, id)))
      .returning({ id: webhookEndpoints.id });
    if (!endpoint) throw new AppError('not_found', 'No such webhook endpoint');
    await recordAudit(tx, actor, 'webhook.rotate_secret', { type: 'webhook', id });
  });
  return { secret };
}

/** Queues a test delivery (`ping`) to the endpoint, whatever it subscribes to. */
export async function pingEndpoint(deps: WebhookDeps, actor: Actor, id: string) {
  return deps.database.db.transaction(async (tx) => {
    const endpoint = await findEndpoint(tx, actor.tenantId, id);
    if (!endpoint) throw new AppError('not_found', 'No such webhook endpoint');
    const now = deps.now();
    const eventId = `ping_${randomToken(12)}`;
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({
        tenantId: actor.tenantId,
        endpointId: id,
        eventType: PING,
        eventId,
        dedupeKey: eventId,
        payload: { id: eventId, type: PING, createdAt: now.toISOString(), data: { endpointId: id } },
        nextAttemptAt: now,
      })
      .returning(deliveryColumns);
    await setTimer(deps, deliverWebhook, { deliveryId: delivery!.id }, now, tx);
    return delivery!;
  });
}

/** Sends a delivered or failed delivery again, now, with a fresh round of retries. */
export async function redeliver(deps: WebhookDeps, actor: Actor, endpointId: string, deliveryId: string) {
  return deps.database.db.transaction(async (tx) => {
    const now = deps.now();
    const [current] = await tx
      .select({ status: webhookDeliveries.status, attempts: webhookDeliveries.attempts })
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.tenantId, actor.tenantId),
          eq(webhookDeliveries.endpointId, endpointId),
          eq(webhookDeliveries.id, deliveryId),
        ),
      )
      .for('update');
    if (!current) throw new AppError('not_found', 'No such delivery');
    if (current.status === 'pending')
      throw new AppError(
        'conflict',
        'The delivery is still being attempted; it can be sent again once it ends',
      );
    const [delivery] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', attemptsBefore: current.attempts, nextAttemptAt: now })
      .where(eq(webhookDeliveries.id, deliveryId))
      .returning(deliveryColumns);
    await setTimer(deps, deliverWebhook, { deliveryId }, now, tx);
    await recordAudit(tx, actor, 'webhook.redeliver', { type: 'webhook_delivery', id: deliveryId });
    return delivery!;
  });
}
