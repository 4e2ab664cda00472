import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { sessions, sessionTags, tags } from '../db/schema.js';

const tagColumns = { id: tags.id, name: tags.name, color: tags.color, createdAt: tags.createdAt };

export async function listTags(db: Executor, tenantId: string) {
  return db.select(tagColumns).from(tags).where(eq(tags.tenantId, tenantId)).orderBy(asc(tags.name));
}

export async function findTag(db: Executor, tenantId: string, tagId: string) {
  const [row] = await db
    .select(tagColumns)
    .from(tags)
    .where(and(eq(tags.tenantId, tenantId), eq(tags.id, tagId)));
  return row;
}

/** Names are unique per tenant regardless of case ("VIP" and "vip" would be the same label to people). */
export async function tagNameTaken(db: Executor, tenantId: string, name: string, exceptId?: string) {
  const [row] = await db
    .select({ id: tags.id })
    .from(tags)
    .where(
      and(
        eq(tags.tenantId, tenantId),
        sql`lower(${tags.name}) = lower(${name})`,
        exceptId ? ne(tags.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** Inserts a tag; undefined when the name is taken (the unique index settles a race). */
export async function insertTag(db: Executor, row: { tenantId: string; name: string; color: string | null }) {
  const [tag] = await db.insert(tags).values(row).onConflictDoNothing().returning({ id: tags.id });
  return tag;
}

export async function updateTagRow(
  db: Executor,
  tenantId: string,
  tagId: string,
  fields: Partial<{ name: string; color: string | null }>,
) {
  const rows = await db
    .update(tags)
    .set(fields)
    .where(and(eq(tags.tenantId, tenantId), eq(tags.id, tagId)))
    .returning({ id: tags.id });
  return rows.length > 0;
}

export async function deleteTagRow(db: Executor, tenantId: string, tagId: string) {
  const rows = await db
    .delete(tags)
    .where(and(eq(tags.tenantId, tenantId), eq(tags.id, tagId)))
    .returning({ id: tags.id });
  return rows.length > 0;
}

export async function tenantTags(db: Executor, tenantId: string, tagIds: string[]) {
  if (tagIds.length === 0) return [];
  return db
    .select({ id: tags.id, name: tags.name, color: tags.color })
    .from(tags)
    .where(and(eq(tags.tenantId, tenantId), inArray(tags.id, tagIds)))
    .orderBy(asc(tags.name));
}

export async function tagsOfSession(db: Executor, tenantId: string, sessionId: string) {
  return db
    .select({ id: tags.id, name: tags.name, color: tags.color })
    .from(sessionTags)
    .innerJoin(tags, eq(tags.id, sessionTags.tagId))
    .where(and(eq(sessionTags.tenantId, tenantId), eq(sessionTags.sessionId, sessionId)))
    .orderBy(asc(tags.name));
}

export async function replaceSessionTags(
  db: Executor,
  tenantId: string,
  sessionId: string,
  tagIds: string[],
) {
  await db
    .delete(sessionTags)
    .where(and(eq(sessionTags.tenantId, tenantId), eq(sessionTags.sessionId, sessionId)));
  if (tagIds.length)
    await db.insert(sessionTags).values(tagIds.map((tagId) => ({ tenantId, sessionId, tagId })));
}

/** Open sessions carrying the tag, to tell their watchers when it is deleted; ended ones are read on demand. */
export async function openSessionsWithTag(db: Executor, tenantId: string, tagId: string) {
  return db
    .select({ id: sessions.id, groupId: sessions.groupId })
    .from(sessionTags)
    .innerJoin(sessions, eq(sessions.id, sessionTags.sessionId))
    .where(
      and(eq(sessionTags.tenantId, tenantId), eq(sessionTags.tagId, tagId), ne(sessions.state, 'ended')),
    );
}
