import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { files, messages, sessions, tenants } from '../db/schema.js';
import { DEFAULT_BLOCKED_FILE_TYPES, type BlockedFileTypes } from './check-upload.js';

export type FileRow = typeof files.$inferSelect;
export type NewFileRow = typeof files.$inferInsert;
type MessageRow = typeof messages.$inferSelect;

export async function insertFile(db: Executor, values: NewFileRow): Promise<FileRow> {
  const [row] = await db.insert(files).values(values).returning();
  return row!;
}

export async function findFile(db: Executor, tenantId: string, fileId: string): Promise<FileRow | undefined> {
  const [row] = await db
    .select()
    .from(files)
    .where(and(eq(files.tenantId, tenantId), eq(files.id, fileId)));
  return row;
}

/** A file by id alone: for signed links, whose token already names the file. */
export async function findFileById(db: Executor, fileId: string): Promise<FileRow | undefined> {
  const [row] = await db.select().from(files).where(eq(files.id, fileId));
  return row;
}

/** The session's files, oldest first: blocked ones too, so operators see what was refused. */
export async function listSessionFiles(
  db: Executor,
  tenantId: string,
  sessionIds: string[],
): Promise<FileRow[]> {
  if (sessionIds.length === 0) return [];
  return db
    .select()
    .from(files)
    .where(and(eq(files.tenantId, tenantId), inArray(files.sessionId, sessionIds)))
    .orderBy(asc(files.createdAt), asc(files.id));
}

/** Merges keys into a file's preview, keeping the others; returns the row as it now is. */
export async function mergeFilePreview(
  db: Executor,
  fileId: string,
  patch: Record<string, unknown>,
): Promise<FileRow | undefined> {
  const [row] = await db
    .update(files)
    .set({ preview: sql`coalesce(${files.preview}, '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb` })
    .where(eq(files.id, fileId))
    .returning();
  return row;
}

export async function sessionsOfContact(db: Executor, tenantId: string, contactId: string) {
  return db
    .select({ id: sessions.id, tenantId: sessions.tenantId, groupId: sessions.groupId })
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.contactId, contactId)));
}

/** The tenant's blocked file types; the defaults until an administrator has saved a list. */
export async function readBlockedFileTypes(db: Executor, tenantId: string): Promise<BlockedFileTypes> {
  const [row] = await db
    .select({ value: sql<BlockedFileTypes | null>`${tenants.settings} -> 'blockedFileTypes'` })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  const value = row?.value;
  if (!value || !Array.isArray(value.mimeTypes) || !Array.isArray(value.extensions)) {
    return DEFAULT_BLOCKED_FILE_TYPES;
  }
  return { mimeTypes: value.mimeTypes, extensions: value.extensions };
}

/** Saves the list into the tenant's settings without touching their other keys. */
export async function writeBlockedFileTypes(db: Executor, tenantId: string, value: BlockedFileTypes) {
  await db
    .update(tenants)
    .set({
      settings: sql`${tenants.settings} || jsonb_build_object('blockedFileTypes', ${JSON.stringify(value)}::jsonb)`,
    })
    .where(eq(tenants.id, tenantId));
}

export async function deleteFileRows(db: Executor, tenantId: string, fileIds: string[]) {
  if (fileIds.length === 0) return;
  await db.delete(files).where(and(eq(files.tenantId, tenantId), inArray(files.id, fileIds)));
}

/** The files of these messages, oldest first. */
export async function listMessageFiles(db: Executor, messageIds: string[]): Promise<FileRow[]> {
  if (messageIds.length === 0) return [];
  return db
    .select()
    .from(files)
    .where(inArray(files.messageId, messageIds))
    .orderBy(asc(files.createdAt), asc(files.id));
}

/** Gives files that belong to no message yet their session and message; returns those that were free. */
export async function attachFiles(
  db: Executor,
  tenantId: string,
  target: { sessionId: string; messageId: string },
  fileIds: string[],
): Promise<FileRow[]> {
  if (fileIds.length === 0) return [];
  return db
    .update(files)
    .set(target)
    .where(and(eq(files.tenantId, tenantId), inArray(files.id, fileIds), isNull(files.messageId)))
    .returning();
}

/**
 * Merges `patch` into the entry of `metadata.attachments` that carries this file id. One statement, so two
 * previews of the same message finishing at once both land (the row lock orders them).
 */
export async function patchMessageAttachment(
  db: Executor,
  messageId: string,
  fileId: string,
  patch: Record<string, unknown>,
): Promise<MessageRow | undefined> {
  const [row] = await db
    .update(messages)
    .set({
      metadata: sql`jsonb_set(${messages.metadata}, '{attachments}', (
        SELECT coalesce(jsonb_agg(CASE WHEN a->>'fileId' = ${fileId} THEN a || ${JSON.stringify(patch)}::jsonb ELSE a END
          ORDER BY n), '[]'::jsonb)
        FROM jsonb_array_elements(${messages.metadata} -> 'attachments') WITH ORDINALITY AS t(a, n)))`,
    })
    .where(
      and(eq(messages.id, messageId), sql`jsonb_typeof(${messages.metadata} -> 'attachments') = 'array'`),
    )
    .returning();
  return row;
}

/** Files that no message took up and that are older than `before`: uploads never sent, refused requests. */
export async function listOrphanFiles(db: Executor, before: Date, limit: number): Promise<FileRow[]> {
  return db
    .select()
    .from(files)
    .where(and(isNull(files.messageId), lt(files.createdAt, before)))
    .orderBy(asc(files.createdAt))
    .limit(limit);
}

/** Deletes these rows if they still belong to no message; returns those deleted. */
export async function deleteOrphanRows(db: Executor, fileIds: string[]): Promise<FileRow[]> {
  if (fileIds.length === 0) return [];
  return db
    .delete(files)
    .where(and(inArray(files.id, fileIds), isNull(files.messageId)))
    .returning();
}
