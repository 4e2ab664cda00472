import { Type } from 'typebox';
import type { Database, Executor } from '../db/database.js';
import { auditLog } from '../db/schema.js';
import { storageKeys, type FileStore } from '../files/file-store.js';
import { defineJob } from '../jobs/job-definition.js';
import { deleteSessions, lockExpiredSessions, tenantsWithRetention } from './retention.repo.js';

/** Sessions deleted per transaction: a large backlog is worked off without one long transaction. */
const BATCH = 500;
const DAY_MS = 24 * 3_600_000;

export interface RetentionDeps {
  database: Database;
  fileStore: Pick<FileStore, 'delete'>;
  now: () => Date;
}

export interface RetentionResult {
  sessions: number;
  messages: number;
  files: number;
}

/**
 * Deletes what a tenant's retention period (`retentionDays` in its settings) has run out for: sessions that
 * ended more than that many days ago, with their messages, timeline, tags, files and everything else of them.
 * Open sessions, newer ones and the contacts stay; tenants without a period lose nothing. Each batch commits
 * with an audit entry of the system naming its counts, then the stored objects of its files are deleted (a
 * rolled-back batch must not lose files; a failed delete leaves an object no row points at).
 */
export async function deleteExpiredSessions(
  deps: RetentionDeps,
  options: { batchSize?: number } = {},
): Promise<Map<string, RetentionResult>> {
  const results = new Map<string, RetentionResult>();
  let failure: unknown;
  for (const tenant of await tenantsWithRetention(deps.database.db)) {
    try {
      results.set(
        tenant.id,
        await deleteExpiredOfTenant(deps, tenant.id, tenant.days, options.batchSize ?? BATCH),
      );
    } catch (error) {
      // The other tenants still get their turn; the job fails afterwards and is retried.
      failure ??= error;
    }
  }
  if (failure) throw failure;
  return results;
}

async function deleteExpiredOfTenant(deps: RetentionDeps, tenantId: string, days: number, batchSize: number) {
  const before = new Date(deps.now().getTime() - days * DAY_MS);
  const total: RetentionResult = { sessions: 0, messages: 0, files: 0 };
  for (;;) {
    const batch = await deps.database.db.transaction(async (tx) => {
      const ids = await lockExpiredSessions(tx, tenantId, before, batchSize);
      const deleted = await deleteSessions(tx, tenantId, ids);
      if (deleted.sessions > 0)
        await recordRetentionAudit(tx, tenantId, {
          retentionDays: days,
          endedBefore: before.toISOString(),
          sessions: deleted.sessions,
          messages: deleted.messages,
          files: deleted.files.length,
        });
      return { locked: ids.length, ...deleted };
    });
    for (const file of batch.files) {
      const keys = [file.storageKey, storageKeys.thumbnail(tenantId, file.id)];
      for (const key of keys) if (key) await deps.fileStore.delete(key).catch(() => {});
    }
    total.sessions += batch.sessions;
    total.messages += batch.messages;
    total.files += batch.files.length;
    if (batch.locked < batchSize) return total;
  }
}

/** The system's entry in the tenant's audit log (no user or API key did it). */
async function recordRetentionAudit(db: Executor, tenantId: string, data: Record<string, unknown>) {
  await db.insert(auditLog).values({
    tenantId,
    actorKind: 'system',
    actorId: null,
    action: 'retention.delete_sessions',
    targetType: 'tenant',
    targetId: tenantId,
    data,
  });
}

/** The retention run, every hour: a period counts in days, so an hour late is on time. */
export const deleteExpiredSessionsJob = defineJob({
  name: 'delete-expired-sessions',
  payload: Type.Object({}),
  retry: { limit: 3, delaySeconds: 300, backoff: true },
  expireInSeconds: 60 * 60,
  schedule: '29 * * * *',
  async handle(deps: RetentionDeps) {
    await deleteExpiredSessions(deps);
  },
});
