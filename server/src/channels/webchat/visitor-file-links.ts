import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { files, messages, sessions, type webchatVisitors } from '../../db/schema.js';
import { createSignedFileUrl, type SignedUrlDeps } from '../../files/signed-file-url.js';

/** How long a link the widget gets stays valid; the widget asks again before it runs out. */
export const VISITOR_LINK_TTL_SECONDS = 15 * 60;

/**
 * Short-lived signed links to files the visitor may see: those of messages (never internal notes) in this
 * contact's chats on this widget. Ids of other files are left out, so a guessed id reveals nothing.
 */
export async function visitorFileLinks(
  deps: { database: { db: Executor } } & SignedUrlDeps,
  visitor: typeof webchatVisitors.$inferSelect,
  fileIds: string[],
) {
  const rows = await deps.database.db
    .select({ id: files.id, preview: files.preview })
    .from(files)
    .innerJoin(messages, eq(messages.id, files.messageId))
    .innerJoin(sessions, eq(sessions.id, messages.sessionId))
    .where(
      and(
        inArray(files.id, fileIds),
        eq(files.tenantId, visitor.tenantId),
        eq(files.status, 'stored'),
        ne(messages.direction, 'internal'),
        eq(sessions.contactId, visitor.contactId),
        eq(sessions.channelAccountId, visitor.channelAccountId),
      ),
    );
  const expiresAt = new Date(deps.now().getTime() + VISITOR_LINK_TTL_SECONDS * 1000).toISOString();
  return {
    items: rows.map((row) => {
      const url = createSignedFileUrl(deps, row.id, VISITOR_LINK_TTL_SECONDS);
      return {
        fileId: row.id,
        url,
        thumbnailUrl: row.preview?.thumbnail ? `${url}/thumbnail` : null,
        expiresAt,
      };
    }),
  };
}
