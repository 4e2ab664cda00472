import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { channelAccounts, messages, users, webchatVisitors } from '../../db/schema.js';
import type { VisitorMessage } from '../../realtime/event-map.js';

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
  return toVisitorMessage(row.message, row.authorName);
}

export function toVisitorMessage(
  message: typeof messages.$inferSelect,
  authorName: string | null,
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
  };
}
