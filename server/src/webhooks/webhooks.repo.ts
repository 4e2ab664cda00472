import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { webhookAttempts, webhookCursors, webhookDeliveries, webhookEndpoints } from '../db/schema.js';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/** An endpoint as the API shows it: never its secret. */
export const endpointColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  enabled: webhookEndpoints.enabled,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

export const deliveryColumns = {
  id: webhookDeliveries.id,
  endpointId: webhookDeliveries.endpointId,
  eventType: webhookDeliveries.eventType,
  eventId: webhookDeliveries.eventId,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  lastStatusCode: webhookDeliveries.lastStatusCode,
  lastError: webhookDeliveries.lastError,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  createdAt: webhookDeliveries.createdAt,
  deliveredAt: webhookDeliveries.deliveredAt,
};

export async function listEndpoints(db: Executor, tenantId: string) {
  return db
    .select(endpointColumns)
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.tenantId, tenantId))
    .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
}

export async function findEndpoint(db: Executor, tenantId: string, id: string) {
  const [row] = await db
    .select(endpointColumns)
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)));
  return row;
}

/**
 * Makes sure the tenant's event stream is followed from here on: a tenant's first endpoint starts at its last
 * event, so it is not sent the past; later endpoints join where the stream is.
 */
export async function followTenantEvents(tx: Executor, tenantId: string): Promise<void> {
  await tx.execute(sql`
    INSERT INTO webhook_cursors (tenant_id, last_seq)
    VALUES (${tenantId}, COALESCE((SELECT last_seq FROM tenant_event_counters WHERE tenant_id = ${tenantId}), 0))
    ON CONFLICT (tenant_id) DO NOTHING`);
}

/** Tenants whose events have moved past what was turned into deliveries. */
export async function tenantsBehind(db: Executor): Promise<string[]> {
  const rows = await queryRows<{ tenant_id: string }>(
    db,
    sql`SELECT w.tenant_id FROM webhook_cursors w JOIN tenant_event_counters c USING (tenant_id)
        WHERE c.last_seq > w.last_seq`,
  );
  return rows.map((row) => row.tenant_id);
}

/** The tenant's cursor, locked for this transaction; undefined when another process holds it. */
export async function lockCursor(tx: Executor, tenantId: string): Promise<number | undefined> {
  const [row] = await queryRows<{ last_seq: string | number }>(
    tx,
    sql`SELECT last_seq FROM webhook_cursors WHERE tenant_id = ${tenantId} FOR UPDATE SKIP LOCKED`,
  );
  return row ? Number(row.last_seq) : undefined;
}

export async function moveCursor(tx: Executor, tenantId: string, lastSeq: number): Promise<void> {
  await tx.update(webhookCursors).set({ lastSeq }).where(eq(webhookCursors.tenantId, tenantId));
}

/** One page of an endpoint's deliveries, newest first; `before` is the last row of the previous page. */
export async function listDeliveries(
  db: Executor,
  tenantId: string,
  endpointId: string,
  options: {
    status?: DeliveryRow['status'] | undefined;
    before?: { createdAt: string; id: string };
    limit: number;
  },
) {
  const { before } = options;
  return db
    .select({
      ...deliveryColumns,
      // The creation time to the microsecond, for a page cursor that passes over nothing.
      cursorTime: sql<string>`to_char(${webhookDeliveries.createdAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        options.status ? eq(webhookDeliveries.status, options.status) : undefined,
        before
          ? or(
              lt(webhookDeliveries.createdAt, sql`${before.createdAt}::timestamptz`),
              and(
                eq(webhookDeliveries.createdAt, sql`${before.createdAt}::timestamptz`),
                lt(webhookDeliveries.id, before.id),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(options.limit);
}

export async function findDelivery(db: Executor, tenantId: string, endpointId: string, id: string) {
  const [row] = await db
    .select({ ...deliveryColumns, payload: webhookDeliveries.payload })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        eq(webhookDeliveries.id, id),
      ),
    );
  return row;
}

export async function attemptsOf(db: Executor, deliveryId: string) {
  return db
    .select({
      at: webhookAttempts.at,
      statusCode: webhookAttempts.statusCode,
      error: webhookAttempts.error,
      durationMs: webhookAttempts.durationMs,
    })
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, deliveryId))
    .orderBy(webhookAttempts.id);
}

/** A delivery with what its attempt needs: the endpoint's address, secret and state. */
export async function deliveryToAttempt(db: Executor, id: string) {
  const [row] = await db
    .select({
      id: webhookDeliveries.id,
      tenantId: webhookDeliveries.tenantId,
      eventType: webhookDeliveries.eventType,
      payload: webhookDeliveries.payload,
      attempts: webhookDeliveries.attempts,
      attemptsBefore: webhookDeliveries.attemptsBefore,
      url: webhookEndpoints.url,
      secretSealed: webhookEndpoints.secretSealed,
      enabled: webhookEndpoints.enabled,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'pending')));
  return row;
}
