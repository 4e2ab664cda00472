import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { apiKeys, users } from '../db/schema.js';

const columns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  role: apiKeys.role,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

/** The tenant's live keys, newest first, each with the name of the administrator who issued it. */
export async function listApiKeys(db: Executor, tenantId: string) {
  return db
    .select({ ...columns, createdByName: users.name })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdByUserId))
    .where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt));
}

export async function insertApiKey(db: Executor, row: typeof apiKeys.$inferInsert) {
  const [key] = await db.insert(apiKeys).values(row).returning(columns);
  return key!;
}

export async function revokeApiKey(db: Executor, tenantId: string, id: string, now: Date) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return row;
}
