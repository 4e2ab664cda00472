import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { channelAccounts, messages, users, webchatVisitors } from '../../db/schema.js';
import { listMessageFiles, type FileRow } from '../../files/files.repo.js';
import type { VisitorFile, VisitorMessage } from '../../realtime/event-map.js';

export async function findWidget(db: Executor, publicKey: string) {
  const [account] = await db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, 'webchat'), eq(channelAccounts.externalId, publicKey)));
  return account;
}

export async function findVisitorByToken(db: Executor, tokenHash: string) {
  const [visitor] = await db.select().from(webchatVisitors).where(eq(webchatVisitors.tokenHash, tokenHash));
  return visitor;
}

export async function insertVisitor(db: Executor, row: typeof webchatVisitors.$inferInsert) {
  const [visitor] = await db.insert(webchatVisitors).values(row).returning();
  return visitor!;
}

/** Every widget (browser) of the contact on this web chat account. */
export async function visitorsOfContact(db: Executor, channelAccountId: string, contactId: string) {
  return db
    .select({ id: webchatVisitors.id })
    .from(webchatVisitors)
    .where(
      and(eq(webchatVisitors.channelAccountId, channelAccountId), eq(webchatVisitors.contactId, contactId)),
    );
}

/** A message as the customer sees it: no internal notes, the operator's display name only. */
export async function visitorMessage(db: Executor, messageId: string): Promise<VisitorMessage | undefined> {
  const [row] = await db
    .select({ message: messages, authorName: users.name })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .where(eq(messages.id, messageId));
  if (!row || row.message.direction === 'internal') return undefined;
  return toVisitorMessage(
    row.message,
    row.authorName,
    (await visitorFilesOf(db, [messageId])).get(messageId),
  );
}

/** The files of these messages as the customer sees them, by message id. */
export async function visitorFilesOf(
  db: Executor,
  messageIds: string[],
): Promise<Map<string, VisitorFile[]>> {
  const byMessage = new Map<string, VisitorFile[]>();
  for (const file of await listMessageFiles(db, messageIds)) {
    const list = byMessage.get(file.messageId!) ?? [];
    list.push(visitorFileOf(file));
    byMessage.set(file.messageId!, list);
  }
  return byMessage;
}

export function toVisitorMessage(
  message: typeof messages.$inferSelect,
  authorName: string | null,
  files: VisitorFile[] = [],
): VisitorMessage {
  return {
    id: message.id,
    clientMessageId: message.clientMessageId,
    direction: message.direction === 'in' ? 'in' : 'out',
    authorKind:
      message.authorKind === 'customer'
        ? 'customer'
        : message.authorKind === 'system'
          ? 'system'
          : 'operator',
    authorName: message.authorKind === 'operator' ? authorName : null,
    text: message.text,
    status: message.status,
    createdAt: message.createdAt.toISOString(),
    files,
  };
}

/** A file as the web chat customer sees it: no storage key, no hash. */
export function visitorFileOf(file: FileRow): VisitorFile {
  const thumbnail = file.preview?.thumbnail as { width?: unknown; height?: unknown } | undefined;
  return {
    id: file.id,
    name: file.name,
    size: file.size,
    contentType: file.contentType,
    status: file.status,
    error: file.error,
    thumbnail:
      thumbnail && typeof thumbnail.width === 'number' && typeof thumbnail.height === 'number'
        ? { width: thumbnail.width, height: thumbnail.height }
        : null,
  };
}
