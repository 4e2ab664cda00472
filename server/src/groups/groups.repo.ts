import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
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
