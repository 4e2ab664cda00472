import { and, desc, eq, ne } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import {
  contactIdentities,
  contacts,
  messages,
  sessions,
  users,
  type webchatVisitors,
} from '../../db/schema.js';
import { AppError } from '../../http/app-error.js';
import { randomToken, sha256Hex } from '../../lib/tokens.js';
import { currentSeq } from '../../realtime/realtime-events.repo.js';
import {
  findVisitorByToken,
  findWidget,
  insertVisitor,
  toVisitorMessage,
  visitorFilesOf,
} from './webchat.repo.js';

/** The widget of a public key: unknown or disabled keys are refused with 401. */
export async function requireWidget(db: Executor, publicKey: string) {
  const account = await findWidget(db, publicKey);
  if (!account || !account.enabled) throw AppError.unauthenticated('Unknown or disabled web chat key');
  return account;
}

/** The visitor holding this token on this widget; 401 when the token is unknown or belongs elsewhere. */
export async function requireVisitor(db: Executor, publicKey: string, token: string | undefined) {
  const account = await requireWidget(db, publicKey);
  const visitor = token ? await findVisitorByToken(db, sha256Hex(token)) : undefined;
  if (!visitor || visitor.channelAccountId !== account.id)
    throw AppError.unauthenticated('Unknown visitor; start a chat first');
  return { account, visitor };
}

/** A new visitor: a contact with a web chat identity, and a token only the widget holds. */
export async function createVisitor(
  tx: Executor,
  account: { id: string; tenantId: string },
  profile: { name?: string; email?: string },
) {
  const [contact] = await tx
    .insert(contacts)
    .values({ tenantId: account.tenantId, name: profile.name ?? null, email: profile.email ?? null })
    .returning();
  const token = randomToken(32);
  const visitor = await insertVisitor(tx, {
    tenantId: account.tenantId,
    channelAccountId: account.id,
    contactId: contact!.id,
    tokenHash: sha256Hex(token),
  });
  // The visitor is how the engine finds this contact when a message arrives from the widget.
  await tx.insert(contactIdentities).values({
    tenantId: account.tenantId,
    contactId: contact!.id,
    kind: 'webchat_visitor',
    value: visitor.id,
    channelAccountId: account.id,
  });
  return { token, visitor };
}

export async function updateVisitorProfile(
  tx: Executor,
  contactId: string,
  profile: { name?: string | undefined; email?: string | undefined },
) {
  const patch: Partial<typeof contacts.$inferInsert> = {};
  if (profile.name) patch.name = profile.name;
  if (profile.email) patch.email = profile.email;
  if (Object.keys(patch).length)
    await tx
      .update(contacts)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(contacts.id, contactId));
}

/**
 * What the widget shows after a reload: the open chat (or the one that just ended, for its rating) with every
 * message the customer may see, in order.
 */
export async function visitorConversation(db: Executor, visitor: typeof webchatVisitors.$inferSelect) {
  // Read first: the widget connects its socket with this number and receives everything after it.
  const seq = await currentSeq(db, visitor.tenantId);
  const [session] = await db
    .select()
    .from(sessions)
    .where(
      and(eq(sessions.contactId, visitor.contactId), eq(sessions.channelAccountId, visitor.channelAccountId)),
    )
    .orderBy(desc(sessions.createdAt))
    .limit(1);
  if (!session) return { seq, session: null, messages: [] };
  const rows = await db
    .select({ message: messages, authorName: users.name })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .where(and(eq(messages.sessionId, session.id), ne(messages.direction, 'internal')))
    .orderBy(messages.position);
  const files = await visitorFilesOf(
    db,
    rows.map((r) => r.message.id),
  );
  return {
    seq,
    session: {
      id: session.id,
      state: session.state,
      endedAt: session.endedAt?.toISOString() ?? null,
      rating: session.rating,
    },
    messages: rows.map((r) => toVisitorMessage(r.message, r.authorName, files.get(r.message.id))),
  };
}
