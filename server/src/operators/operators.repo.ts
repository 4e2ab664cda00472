import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { groupMembers, groups, operatorPresence, users } from '../db/schema.js';

export const operatorColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  capacity: users.capacity,
  language: users.language,
  active: users.active,
  presence: sql<'available' | 'away' | 'rona' | 'offline'>`coalesce(${operatorPresence.status}, 'offline')`,
  awayReason: operatorPresence.awayReason,
  groupIds: sql<
    string[]
  >`coalesce((SELECT array_agg(${groupMembers.groupId}::text) FROM ${groupMembers} WHERE ${groupMembers.userId} = ${users.id}), '{}')`,
};

export async function listOperators(db: Executor, tenantId: string) {
  return db
    .select(operatorColumns)
    .from(users)
    .leftJoin(operatorPresence, eq(operatorPresence.userId, users.id))
    .where(eq(users.tenantId, tenantId))
    .orderBy(asc(users.name));
}

export async function findOperator(db: Executor, tenantId: string, userId: string) {
  const [row] = await db
    .select(operatorColumns)
    .from(users)
    .leftJoin(operatorPresence, eq(operatorPresence.userId, users.id))
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)));
  return row;
}

export async function insertOperator(
  db: Executor,
  row: {
    tenantId: string;
    email: string;
    name: string;
    passwordHash: string | null;
    role: 'operator' | 'supervisor' | 'admin';
    capacity: number;
  },
) {
  const [user] = await db.insert(users).values(row).returning({ id: users.id });
  return user!;
}

export async function updateOperator(
  db: Executor,
  tenantId: string,
  userId: string,
  changes: Partial<{
    name: string;
    role: 'operator' | 'supervisor' | 'admin';
    capacity: number;
    active: boolean;
    language: string;
  }>,
) {
  const [row] = await db
    .update(users)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)))
    .returning({ id: users.id });
  return row;
}

export async function setPasswordHash(db: Executor, tenantId: string, userId: string, passwordHash: string) {
  const [row] = await db
    .update(users)
    .set({ passwordHash, updatedAt: new Date() })
    .where(and(eq(users.tenantId, tenantId), eq(users.id, userId)))
    .returning({ id: users.id });
  return row;
}

/** The tenant's groups among the given ids (to refuse another tenant's or unknown ones). */
export async function tenantGroupIds(db: Executor, tenantId: string, groupIds: string[]): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const rows = await db
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.tenantId, tenantId), inArray(groups.id, groupIds)));
  return rows.map((r) => r.id);
}

/**
 * Makes the user a member of exactly these groups. Memberships kept keep their capacity override; other members'
 * rows are not touched. Returns the groups joined and left.
 */
export async function setMemberships(db: Executor, tenantId: string, userId: string, groupIds: string[]) {
  const before = await db
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(eq(groupMembers.userId, userId));
  const had = new Set(before.map((r) => r.groupId));
  const added = groupIds.filter((id) => !had.has(id));
  const removed = [...had].filter((id) => !groupIds.includes(id));
  if (removed.length)
    await db
      .delete(groupMembers)
      .where(
        and(
          eq(groupMembers.userId, userId),
          groupIds.length ? notInArray(groupMembers.groupId, groupIds) : undefined,
        ),
      );
  if (added.length)
    await db
      .insert(groupMembers)
      .values(added.map((groupId) => ({ tenantId, groupId, userId })))
      .onConflictDoNothing();
  return { added, removed };
}

/** Presence of several operators, in one statement; `idleSince` counts when one becomes available. */
export async function upsertPresences(
  db: Executor,
  rows: Array<{
    tenantId: string;
    userId: string;
    status: 'available' | 'away' | 'rona' | 'offline';
    awayReason: string | null;
    changedAt: Date;
    idleSince?: Date;
  }>,
) {
  if (rows.length === 0) return;
  await db
    .insert(operatorPresence)
    .values(rows)
    .onConflictDoUpdate({
      target: operatorPresence.userId,
      set: {
        status: sql`excluded.status`,
        awayReason: sql`excluded.away_reason`,
        changedAt: sql`excluded.changed_at`,
        // Idle from when they became available again (routing's tie-break), not from their first day.
        idleSince: sql`CASE WHEN excluded.status = 'available' AND ${operatorPresence.status} <> 'available'
                         THEN excluded.idle_since ELSE ${operatorPresence.idleSince} END`,
      },
    });
}

/** Groups the two users share, for a supervisor acting on an operator. */
export async function sharedGroupIds(db: Executor, userA: string, userB: string): Promise<string[]> {
  const rows = await queryRows<{ group_id: string }>(
    db,
    sql`
    SELECT a.group_id FROM ${groupMembers} a JOIN ${groupMembers} b ON a.group_id = b.group_id
    WHERE a.user_id = ${userA} AND b.user_id = ${userB}`,
  );
  return rows.map((r) => r.group_id);
}
