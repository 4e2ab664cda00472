import { count, eq, min, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { groups, operatorPresence, sessions, tenants, users } from '../db/schema.js';

/**
 * Every group, and the open sessions by group and state with the oldest `queued_at` of each: what the queue
 * gauges show. One pass over the open sessions (their partial index), whatever the tenants.
 */
export async function readQueues(db: Executor) {
  const [allGroups, counts] = await Promise.all([
    db
      .select({ tenant: tenants.slug, name: groups.name })
      .from(groups)
      .innerJoin(tenants, eq(tenants.id, groups.tenantId)),
    db
      .select({
        tenant: tenants.slug,
        group: groups.name,
        state: sessions.state,
        sessions: count(),
        oldestQueuedAt: min(sessions.queuedAt),
      })
      .from(sessions)
      .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
      .leftJoin(groups, eq(groups.id, sessions.groupId))
      .where(ne(sessions.state, 'ended'))
      .groupBy(tenants.slug, groups.name, sessions.state),
  ]);
  return { groups: allGroups, counts };
}

/** Active users by tenant and presence; one who never signed in counts as offline. */
export async function readOperatorsByPresence(db: Executor) {
  const presence = sql<string>`coalesce(${operatorPresence.status}, 'offline')`;
  return db
    .select({ tenant: tenants.slug, presence, operators: count() })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .leftJoin(operatorPresence, eq(operatorPresence.userId, users.id))
    .where(eq(users.active, true))
    .groupBy(tenants.slug, presence);
}
