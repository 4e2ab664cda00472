import { lt } from 'drizzle-orm';
import { Type } from 'typebox';
import type { Database } from '../db/database.js';
import { authSessions, webhookDeliveries } from '../db/schema.js';
import { deleteEventsBefore } from '../realtime/realtime-events.repo.js';
import { defineJob } from './job-definition.js';

/** Realtime events are kept this long for clients that reconnect; older ones are deleted. */
const EVENT_RETENTION_MS = 7 * 24 * 3_600_000;
/** Outbound webhooks' delivery log is kept this long. */
const DELIVERY_RETENTION_MS = 30 * 24 * 3_600_000;

export const pruneExpired = defineJob({
  name: 'prune-expired',
  payload: Type.Object({}),
  retry: { limit: 3, delaySeconds: 60, backoff: true },
  schedule: '17 * * * *',
  async handle(deps: { database: Database; now: () => Date }) {
    const now = deps.now();
    await deleteEventsBefore(deps.database.db, new Date(now.getTime() - EVENT_RETENTION_MS));
    await deps.database.db.delete(authSessions).where(lt(authSessions.expiresAt, now));
    await deps.database.db
      .delete(webhookDeliveries)
      .where(lt(webhookDeliveries.createdAt, new Date(now.getTime() - DELIVERY_RETENTION_MS)));
  },
});
