import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { channelAccounts, contactIdentities, files, messages, sessions } from '../../db/schema.js';

export type PageAccountRow = typeof channelAccounts.$inferSelect;

/**
 * Facebook Pages by page id (how webhooks name them), disabled ones too: their webhooks are still signed with
 * their app secret, and are acknowledged (and dropped) rather than refused until Meta unsubscribes the app.
 */
export async function accountsByPageIds(db: Executor, pageIds: string[]) {
  if (pageIds.length === 0) return [];
  return db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, 'messenger'), inArray(channelAccounts.externalId, pageIds)));
}

/** Every enabled Page: the candidates for a body that names none we know, and for the handshake. */
export async function allPageAccounts(db: Executor) {
  return db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, 'messenger'), eq(channelAccounts.enabled, true)));
}

export async function findPageAccount(db: Executor, channelAccountId: string) {
  const [row] = await db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.id, channelAccountId), eq(channelAccounts.channel, 'messenger')));
  return row;
}

/** The contact's page-scoped id on this Page. */
export async function psidOf(db: Executor, tenantId: string, contactId: string, channelAccountId: string) {
  const [row] = await db
    .select({ value: contactIdentities.value })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.tenantId, tenantId),
        eq(contactIdentities.contactId, contactId),
        eq(contactIdentities.kind, 'psid'),
        eq(contactIdentities.channelAccountId, channelAccountId),
      ),
    );
  return row?.value;
}

/** What an outbound message needs beyond its text: the customer's last message, quote, parts already sent. */
export async function outboundContextOf(db: Executor, messageId: string) {
  const [row] = await db
    .select({
      message: messages,
      lastCustomerMessageAt: sessions.lastCustomerMessageAt,
      quotedMid: sql<
        string | null
      >`(SELECT q.channel_message_id FROM messages q WHERE q.id = ${messages.quotedMessageId})`,
    })
    .from(messages)
    .innerJoin(sessions, eq(sessions.id, messages.sessionId))
    .where(eq(messages.id, messageId));
  return row;
}

/** The stored files an outbound message carries, in the order they were added. */
export async function filesOfMessage(db: Executor, tenantId: string, messageId: string) {
  return db
    .select()
    .from(files)
    .where(and(eq(files.tenantId, tenantId), eq(files.messageId, messageId)))
    .orderBy(asc(files.createdAt), asc(files.id));
}

/**
 * Records the mid of one part of a multi-part send (text, then one message per file) as soon as Meta accepted it,
 * so a retry after a later part failed never sends the earlier ones twice. `at` is no later than Meta's time of
 * the part (when it was asked for, or the echo's timestamp); the latest is kept, for watermarks. Returns the
 * message when the part was new.
 */
export async function recordSentPart(db: Executor, messageId: string, part: number, mid: string, at: Date) {
  const [row] = await db
    .update(messages)
    .set({
      metadata: sql`jsonb_set(jsonb_set(${messages.metadata}, '{messengerParts}', coalesce(${messages.metadata} -> 'messengerParts', '{}'::jsonb) || jsonb_build_object(${String(part)}::text, ${mid}::text)), '{messengerLastPartAt}', to_jsonb(greatest(${messages.metadata} ->> 'messengerLastPartAt', ${at.toISOString()}::text)))`,
    })
    .where(
      and(
        eq(messages.id, messageId),
        sql`${messages.metadata} -> 'messengerParts' ->> ${String(part)}::text IS DISTINCT FROM ${mid}::text`,
      ),
    )
    .returning();
  return row;
}

/** How many Messenger messages an outbound message goes out as, recorded before the first is sent. */
export async function recordPartCount(db: Executor, messageId: string, count: number) {
  await db
    .update(messages)
    .set({ metadata: sql`jsonb_set(${messages.metadata}, '{messengerPartCount}', to_jsonb(${count}::int))` })
    .where(eq(messages.id, messageId));
}

/**
 * Where a message sent in parts stands: every part's mid known (sent), and when the last one was — a
 * watermark covers the message only from then. A message sent as one part is complete as soon as it is sent.
 */
export function partsOfMessage(metadata: Record<string, unknown>) {
  const count = typeof metadata.messengerPartCount === 'number' ? metadata.messengerPartCount : 1;
  const mids = (metadata.messengerParts as Record<string, string> | undefined) ?? {};
  const lastAt =
    typeof metadata.messengerLastPartAt === 'string' ? new Date(metadata.messengerLastPartAt) : null;
  return { count, mids, allSent: count <= 1 || Object.keys(mids).length >= count, lastAt };
}

/**
 * Our message of which `mid` is a later part (a file sent after the text), among the messages to this customer
 * on this Page: what a customer's reply or reaction to that part refers to.
 */
export async function findMessageByPartMid(
  db: Executor,
  channelAccountId: string,
  psid: string,
  mid: string,
) {
  const [row] = await db
    .select({ id: messages.id, channelMessageId: messages.channelMessageId, metadata: messages.metadata })
    .from(messages)
    .innerJoin(sessions, eq(sessions.id, messages.sessionId))
    .innerJoin(
      contactIdentities,
      and(
        eq(contactIdentities.contactId, sessions.contactId),
        eq(contactIdentities.kind, 'psid'),
        eq(contactIdentities.value, psid),
        eq(contactIdentities.channelAccountId, channelAccountId),
      ),
    )
    .where(
      and(
        eq(messages.channelAccountId, channelAccountId),
        eq(messages.direction, 'out'),
        sql`EXISTS (SELECT 1 FROM jsonb_each_text(${messages.metadata} -> 'messengerParts') AS part WHERE part.value = ${mid}::text)`,
      ),
    )
    .limit(1);
  return row;
}

export async function findMessageByMid(db: Executor, channelAccountId: string, mid: string) {
  const [row] = await db
    .select({ message: messages, session: sessions })
    .from(messages)
    .innerJoin(sessions, eq(sessions.id, messages.sessionId))
    .where(and(eq(messages.channelAccountId, channelAccountId), eq(messages.channelMessageId, mid)));
  return row;
}

/** One of our outbound messages on this Page, by our id (what we put in each send's `metadata`). */
export async function findOwnOutbound(db: Executor, channelAccountId: string, messageId: string) {
  const [row] = await db
    .select({ message: messages, session: sessions })
    .from(messages)
    .innerJoin(sessions, eq(sessions.id, messages.sessionId))
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.channelAccountId, channelAccountId),
        eq(messages.direction, 'out'),
      ),
    );
  return row;
}

/** The contact's latest session on this Page (open or not): where a Page-inbox reply belongs. */
export async function latestSessionOf(
  db: Executor,
  tenantId: string,
  contactId: string,
  channelAccountId: string,
) {
  const [row] = await db
    .select()
    .from(sessions)
    .where(
      and(
        eq(sessions.tenantId, tenantId),
        eq(sessions.contactId, contactId),
        eq(sessions.channelAccountId, channelAccountId),
      ),
    )
    .orderBy(sql`${sessions.createdAt} DESC`)
    .limit(1);
  return row;
}
