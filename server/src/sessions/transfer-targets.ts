import { sql } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import { queryRows, type Executor } from '../db/database.js';

/** Where a session can go: every group with its queue and free operators, every operator with presence and load. */
export async function transferTargets(db: Executor, actor: Actor) {
  const groups = await queryRows<{ id: string; name: string; waiting: number; available: number }>(
    db,
    sql`SELECT g.id, g.name,
          (SELECT count(*) FROM sessions s WHERE s.group_id = g.id AND s.state IN ('waiting', 'offered'))::int AS waiting,
          (SELECT count(*) FROM group_members gm JOIN operator_presence p ON p.user_id = gm.user_id
             WHERE gm.group_id = g.id AND p.status = 'available')::int AS available
        FROM groups g WHERE g.tenant_id = ${actor.tenantId} ORDER BY g.name`,
  );
  const operators = await queryRows<{
    id: string;
    name: string;
    presence: string;
    load: number;
    capacity: number;
    group_ids: string[] | null;
  }>(
    db,
    sql`SELECT u.id, u.name, coalesce(p.status, 'offline') AS presence, u.capacity,
          ((SELECT count(*) FROM session_participants sp JOIN sessions s ON s.id = sp.session_id
             WHERE sp.user_id = u.id AND sp.left_at IS NULL AND s.state <> 'ended')
           + (SELECT count(*) FROM session_offers o WHERE o.user_id = u.id AND o.state = 'pending'))::int AS load,
          (SELECT array_agg(gm.group_id::text) FROM group_members gm WHERE gm.user_id = u.id) AS group_ids
        FROM users u LEFT JOIN operator_presence p ON p.user_id = u.id
        WHERE u.tenant_id = ${actor.tenantId} AND u.active AND u.id <> ${actor.id}
        ORDER BY u.name`,
  );
  return {
    groups: groups.map((g) => ({ ...g, waiting: Number(g.waiting), available: Number(g.available) })),
    operators: operators.map((o) => ({
      id: o.id,
      name: o.name,
      presence: o.presence,
      load: Number(o.load),
      capacity: Number(o.capacity),
      groupIds: o.group_ids ?? [],
    })),
  };
}
