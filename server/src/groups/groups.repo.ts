import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { groupMembers, groups, users } from '../db/schema.js';

const groupColumns = {
  id: groups.id,
  name: groups.name,
  routingMode: groups.routingMode,
  offerTimeoutSeconds: groups.offerTimeoutSeconds,
  sticky: groups.sticky,
  offlineMessage: groups.offlineMessage,
  memberIds: sql<
    string[]
  >`coalesce((SELECT array_agg(${groupMembers.userId}::text) FROM ${groupMembers} WHERE ${groupMembers.groupId} = ${groups.id}), '{}')`,
  /** The members with the capacity this group gives them (null: the operator's own). */
  members: sql<
    Array<{ userId: string; capacity: number | null }>
  >`coalesce((SELECT json_agg(json_build_object('userId', ${groupMembers.userId}, 'capacity', ${groupMembers.capacity}) ORDER BY ${groupMembers.createdAt}, ${groupMembers.userId}) FROM ${groupMembers} WHERE ${groupMembers.groupId} = ${groups.id}), '[]'::json)`,
};

export async function listGroups(db: Executor, tenantId: string) {
  return db.select(groupColumns).from(groups).where(eq(groups.tenantId, tenantId)).orderBy(asc(groups.name));
}

export async function findGroup(db: Executor, tenantId: string, groupId: string) {
  const [row] = await db
    .select(groupColumns)
    .from(groups)
    .where(and(eq(groups.tenantId, tenantId), eq(groups.id, groupId)));
  return row;
}

export type GroupFields = {
  name: string;
  routingMode: 'utilisation' | 'whole_group';
  offerTimeoutSeconds: number;
  sticky: boolean;
  offlineMessage: string | null;
};

export async function insertGroup(
  db: Executor,
  tenantId: string,
  fields: Partial<GroupFields> & { name: string },
) {
  const [row] = await db
    .insert(groups)
    .values({ tenantId, ...fields })
    .onConflictDoNothing()
    .returning({ id: groups.id });
  return row;
}

export async function updateGroupRow(
  db: Executor,
  tenantId: string,
  groupId: string,
  fields: Partial<GroupFields>,
) {
  const [row] = await db
    .update(groups)
    .set(fields)
    .where(and(eq(groups.tenantId, tenantId), eq(groups.id, groupId)))
    .returning({ id: groups.id });
  return row;
}

/** Users of the tenant among the given ids (to refuse members from another tenant). */
export async function tenantUserIds(db: Executor, tenantId: string, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, userIds)));
  return rows.map((r) => r.id);
}

export async function replaceMembers(
  db: Executor,
  tenantId: string,
  groupId: string,
  members: Array<{ userId: string; capacity?: number | null | undefined }>,
): Promise<string[]> {
  const before = await db
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .where(eq(groupMembers.groupId, groupId));
  await db.delete(groupMembers).where(eq(groupMembers.groupId, groupId));
  if (members.length) {
    await db
      .insert(groupMembers)
      .values(members.map((m) => ({ tenantId, groupId, userId: m.userId, capacity: m.capacity ?? null })));
  }
  return [...new Set([...before.map((r) => r.userId), ...members.map((m) => m.userId)])];
}

export async function groupIdsOfUser(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(eq(groupMembers.userId, userId));
  return rows.map((r) => r.groupId);
}

/** What still refers to a group, counted: what would stop it being deleted. */
export async function groupUsage(db: Executor, tenantId: string, groupId: string) {
  const [row] = await queryRows<{ rules: number; openSessions: number; sessions: number; templates: number }>(
    db,
    sql`SELECT
          (SELECT count(*)::int FROM routing_rules WHERE tenant_id = ${tenantId} AND group_id = ${groupId}) AS "rules",
          (SELECT count(*)::int FROM sessions
           WHERE tenant_id = ${tenantId} AND group_id = ${groupId} AND state <> 'ended') AS "openSessions",
          (SELECT count(*)::int FROM sessions WHERE tenant_id = ${tenantId} AND group_id = ${groupId}) AS "sessions",
          (SELECT count(*)::int FROM templates WHERE tenant_id = ${tenantId} AND group_id = ${groupId}) AS "templates"`,
  );
  return row!;
}

/** Deletes the group row; its memberships go with it (cascade). Returns the former members. */
export async function deleteGroupRow(db: Executor, tenantId: string, groupId: string): Promise<string[]> {
  const members = await db
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .where(eq(groupMembers.groupId, groupId));
  await db.delete(groups).where(and(eq(groups.tenantId, tenantId), eq(groups.id, groupId)));
  return members.map((m) => m.userId);
}
