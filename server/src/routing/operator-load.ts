import { sql } from 'drizzle-orm';
import { queryRows, queryRowsPrepared, type Executor } from '../db/database.js';

export interface OperatorLoad {
  userId: string;
  name: string;
  presence: 'available' | 'away' | 'rona' | 'offline';
  capacity: number;
  /** Open sessions the operator takes part in, plus offers waiting for their answer. */
  load: number;
  idleSince: Date | null;
}

const loadOf = (userColumn: string) =>
  sql.raw(`(
  (SELECT count(*) FROM session_participants sp JOIN sessions s ON s.id = sp.session_id
    WHERE sp.user_id = ${userColumn} AND sp.left_at IS NULL AND s.state <> 'ended')
  + (SELECT count(*) FROM session_offers o WHERE o.user_id = ${userColumn} AND o.state = 'pending'))::int`);

/**
 * Load and presence of the active members of a group; with `availableOnly`, of those available now (routing): the
 * load of every member is a subquery each, so a large group costs what its online operators cost. Prepared: every
 * table is reached by key from the group's members, whatever the statistics.
 */
export async function groupOperatorLoads(
  tx: Executor,
  tenantId: string,
  groupId: string,
  options: { availableOnly?: boolean } = {},
): Promise<OperatorLoad[]> {
  const rows = await queryRowsPrepared<{
    user_id: string;
    name: string;
    presence: OperatorLoad['presence'];
    capacity: number;
    load: number;
    idle_since: string | null;
  }>(
    tx,
    sql`SELECT u.id AS user_id, u.name, coalesce(p.status, 'offline') AS presence,
               coalesce(gm.capacity, u.capacity) AS capacity, ${loadOf('u.id')} AS load, p.idle_since
        FROM group_members gm
        JOIN users u ON u.id = gm.user_id AND u.active
        LEFT JOIN operator_presence p ON p.user_id = u.id
        WHERE gm.group_id = ${groupId} AND gm.tenant_id = ${tenantId}
          AND (${!options.availableOnly} OR p.status = 'available')`,
  );
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.name,
    presence: r.presence,
    capacity: Number(r.capacity),
    load: Number(r.load),
    idleSince: r.idle_since ? new Date(r.idle_since) : null,
  }));
}

/**
 * Load and capacity of one operator. With a group, a capacity set on the operator's membership of that group
 * applies to that group's sessions.
 */
export async function operatorLoad(
  tx: Executor,
  tenantId: string,
  userId: string,
  groupId?: string | null,
): Promise<OperatorLoad | undefined> {
  const [row] = await queryRows<{
    user_id: string;
    name: string;
    presence: OperatorLoad['presence'];
    capacity: number;
    load: number;
    idle_since: string | null;
  }>(
    tx,
    sql`SELECT u.id AS user_id, u.name, coalesce(p.status, 'offline') AS presence,
               coalesce((SELECT gm.capacity FROM group_members gm WHERE gm.user_id = u.id AND gm.group_id = ${groupId ?? null}), u.capacity) AS capacity,
               ${loadOf('u.id')} AS load, p.idle_since
        FROM users u LEFT JOIN operator_presence p ON p.user_id = u.id
        WHERE u.id = ${userId} AND u.tenant_id = ${tenantId} AND u.active`,
  );
  return (
    row && {
      userId: row.user_id,
      name: row.name,
      presence: row.presence,
      capacity: Number(row.capacity),
      load: Number(row.load),
      idleSince: row.idle_since ? new Date(row.idle_since) : null,
    }
  );
}
