import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { apiKeys, authSessions, groupMembers, users } from '../db/schema.js';
import type { Actor } from './actor.js';

export async function findUserByEmail(db: Executor, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return user;
}

export async function insertAuthSession(
  db: Executor,
  row: { id: string; tenantId: string; userId: string; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db.insert(authSessions).values(row);
}

export async function deleteAuthSession(db: Executor, id: string): Promise<void> {
  await db.delete(authSessions).where(eq(authSessions.id, id));
}

/** Signs a user out everywhere, except (when given) the session making the request. */
export async function deleteAuthSessionsOfUser(
  db: Executor,
  userId: string,
  keepSessionId?: string,
): Promise<void> {
  await db
    .delete(authSessions)
    .where(
      and(eq(authSessions.userId, userId), keepSessionId ? ne(authSessions.id, keepSessionId) : undefined),
    );
}

async function groupIdsOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(eq(groupMembers.userId, userId));
  return rows.map((r) => r.groupId);
}

/** The actor behind a live cookie session, with its CSRF token; undefined when expired or unknown. */
export async function findActorBySession(
  db: Executor,
  sessionId: string,
  now: Date,
): Promise<{ actor: Actor; csrfToken: string } | undefined> {
  const [row] = await db
    .select({
      csrfToken: authSessions.csrfToken,
      userId: users.id,
      tenantId: users.tenantId,
      name: users.name,
      role: users.role,
    })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(and(eq(authSessions.id, sessionId), gt(authSessions.expiresAt, now), eq(users.active, true)));
  if (!row) return undefined;
  const actor: Actor = {
    kind: 'user',
    tenantId: row.tenantId,
    id: row.userId,
    name: row.name,
    role: row.role,
    groupIds: row.role === 'admin' ? 'all' : await groupIdsOf(db, row.userId),
  };
  return { actor, csrfToken: row.csrfToken };
}

export async function findActorByApiKey(
  db: Executor,
  keyHash: string,
  now: Date,
): Promise<Actor | undefined> {
  const [key] = await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .returning();
  if (!key) return undefined;
  return {
    kind: 'api_key',
    tenantId: key.tenantId,
    id: key.id,
    name: key.name,
    role: key.role,
    groupIds: 'all',
  };
}
