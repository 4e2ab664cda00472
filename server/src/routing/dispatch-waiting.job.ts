import { and, eq, isNotNull } from 'drizzle-orm';
import { Type } from 'typebox';
import { sessions } from '../db/schema.js';
import { defineJob } from '../jobs/job-definition.js';
import type { EngineDeps } from '../sessions/engine-deps.js';

/**
 * Every minute, every group with waiting sessions is dispatched once more. Sessions are offered right after the
 * transaction that queued them; this catches the ones whose process ended in between.
 */
export const dispatchWaiting = defineJob({
  name: 'dispatch-waiting',
  payload: Type.Object({}),
  retry: { limit: 1, delaySeconds: 30, backoff: false },
  schedule: '* * * * *',
  async handle(deps: EngineDeps) {
    const queued = await deps.database.db
      .selectDistinct({ tenantId: sessions.tenantId, groupId: sessions.groupId })
      .from(sessions)
      .where(and(eq(sessions.state, 'waiting'), isNotNull(sessions.groupId)));
    await Promise.all(queued.map((q) => deps.dispatcher.request(q.tenantId, q.groupId!)));
  },
});
