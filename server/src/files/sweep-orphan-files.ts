import { Type } from 'typebox';
import type { Database } from '../db/database.js';
import { defineJob } from '../jobs/job-definition.js';
import { storageKeys, type FileStore } from './file-store.js';
import { deleteOrphanRows, listOrphanFiles } from './files.repo.js';
import { filesRuntime } from './files-runtime.js';

const BATCH = 500;

export interface SweepDeps {
  database: Database;
  fileStore: FileStore;
  now: () => Date;
}

/**
 * Removes uploads that never became part of a message once they are older than `maxAgeMs`: an operator's upload
 * that was never sent, a file left by a request that failed between storing and sending. The row goes first,
 * and only while it still belongs to no message, so a file sent at this moment is kept; then its contents and
 * thumbnail. Also clears the store's temporary area of uploads a crash cut short, by the same age. Resolves with
 * the number of files (and temporary objects) removed.
 */
export async function removeOrphanFiles(deps: SweepDeps, maxAgeMs: number): Promise<number> {
  const before = new Date(deps.now().getTime() - maxAgeMs);
  let removed = 0;
  for (;;) {
    const candidates = await listOrphanFiles(deps.database.db, before, BATCH);
    const deleted = await deleteOrphanRows(
      deps.database.db,
      candidates.map((f) => f.id),
    );
    for (const file of deleted) {
      if (file.storageKey) await deps.fileStore.delete(file.storageKey);
      await deps.fileStore.delete(storageKeys.thumbnail(file.tenantId, file.id));
    }
    removed += deleted.length;
    if (candidates.length < BATCH) break;
  }
  // What uploads cut short by a crash left in the store's temporary area: no row ever pointed at it.
  return removed + (await deps.fileStore.removeTemporary(before));
}

/** The sweep, every hour, with the age from the configuration (ORPHAN_FILE_MAX_AGE_MINUTES). */
export const sweepOrphanFiles = defineJob({
  name: 'sweep-orphan-files',
  payload: Type.Object({}),
  retry: { limit: 3, delaySeconds: 60, backoff: true },
  schedule: '43 * * * *',
  async handle(deps: SweepDeps) {
    await removeOrphanFiles(deps, filesRuntime().orphanFileMaxAgeMs);
  },
});
