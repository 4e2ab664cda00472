import { and, asc, desc, eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import {
  blacklistEntries,
  channelAccounts,
  contactIdentities,
  contacts,
  files,
  messages,
  sessionEvents,
  sessions,
  sessionTags,
  tags,
  users,
  webchatVisitors,
} from '../db/schema.js';

const contactColumns = {
  id: contacts.id,
  name: contacts.name,
  firstName: contacts.firstName,
  lastName: contacts.lastName,
  email: contacts.email,
  phone: contacts.phone,
  avatarUrl: contacts.avatarUrl,
  note: contacts.note,
  mergedIntoId: contacts.mergedIntoId,
  createdAt: contacts.createdAt,
  updatedAt: contacts.updatedAt,
};

export type ContactRow = Awaited<ReturnType<typeof findContactRow>> & object;

export async function findContactRow(db: Executor, tenantId: string, contactId: string) {
  const [row] = await db
    .select(contactColumns)
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, contactId)));
  return row;
}

/** Locks the contacts for the rest of the transaction, in id order so two merges cannot deadlock. */
export async function lockContacts(db: Executor, tenantId: string, contactIds: string[]) {
  return db
    .select(contactColumns)
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, contactIds)))
    .orderBy(asc(contacts.id))
    .for('update');
}

type IdentityKind = 'wa_id' | 'bsuid' | 'psid' | 'webchat_visitor' | 'phone' | 'email';

export async function identitiesOf(db: Executor, tenantId: string, contactIds: string[]) {
  if (contactIds.length === 0) return [];
  const rows = await db
    .select({
      id: contactIdentities.id,
      contactId: contactIdentities.contactId,
      kind: contactIdentities.kind,
      value: contactIdentities.value,
      channelAccountId: contactIdentities.channelAccountId,
      createdAt: contactIdentities.createdAt,
    })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.tenantId, tenantId), inArray(contactIdentities.contactId, contactIds)))
    .orderBy(asc(contactIdentities.createdAt), asc(contactIdentities.id));
  return rows.map((r) => ({ ...r, kind: r.kind as IdentityKind }));
}

/** Escapes LIKE wildcards so a search for `50%` finds that text. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The sort key of the directory: by name (no name last), then id. The cursor is the last row's key. */
const sortName = sql<string>`coalesce(lower(${contacts.name}), '\uffff')`;

/**
 * The directory: contacts that were not merged away, optionally matching `q` anywhere in the name, e-mail,
 * phone or an identity value (case-insensitive), ordered by name.
 */
export async function searchContactRows(
  db: Executor,
  tenantId: string,
  options: { q?: string | undefined; limit: number; after?: { name: string; id: string } | undefined },
) {
  const conditions: Array<SQL | undefined> = [eq(contacts.tenantId, tenantId), isNull(contacts.mergedIntoId)];
  const q = options.q?.trim();
  if (q) {
    const pattern = likePattern(q);
    const digits = q.replace(/\D/g, '');
    // Something typed like a phone number also finds the number written another way (spaces, +, a wa_id).
    const phoneLike = digits.length >= 3 && /^[\d\s+().-]+$/.test(q);
    conditions.push(
      or(
        sql`${contacts.name} ILIKE ${pattern}`,
        sql`${contacts.firstName} ILIKE ${pattern}`,
        sql`${contacts.lastName} ILIKE ${pattern}`,
        sql`${contacts.email} ILIKE ${pattern}`,
        sql`${contacts.phone} ILIKE ${pattern}`,
        // "+420 777 123" finds a phone stored as +420777123456, and a wa_id.
        phoneLike
          ? sql`regexp_replace(coalesce(${contacts.phone}, ''), '\\D', '', 'g') LIKE ${likePattern(digits)}`
          : undefined,
        sql`EXISTS (SELECT 1 FROM ${contactIdentities} ci WHERE ci.contact_id = ${contacts.id}
              AND (ci.value ILIKE ${pattern}${
                phoneLike ? sql` OR ci.value LIKE ${likePattern(digits)}` : sql``
              }))`,
      ),
    );
  }
  if (options.after)
    conditions.push(sql`(${sortName}, ${contacts.id}) > (${options.after.name}, ${options.after.id}::uuid)`);
  return db
    .select({ ...contactColumns, sortName })
    .from(contacts)
    .where(and(...conditions))
    .orderBy(sortName, asc(contacts.id))
    .limit(options.limit);
}

export async function updateContactRow(
  db: Executor,
  tenantId: string,
  contactId: string,
  fields: Partial<{
    name: string | null;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    phone: string | null;
    avatarUrl: string | null;
    note: string | null;
    mergedIntoId: string | null;
  }>,
  now: Date,
) {
  await db
    .update(contacts)
    .set({ ...fields, updatedAt: now })
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, contactId)));
}

/** Open sessions of the contacts, to find two on one channel account before a merge. */
export async function openSessionsOf(db: Executor, tenantId: string, contactIds: string[]) {
  return db
    .select({ id: sessions.id, contactId: sessions.contactId, channelAccountId: sessions.channelAccountId })
    .from(sessions)
    .where(
      and(
        eq(sessions.tenantId, tenantId),
        inArray(sessions.contactId, contactIds),
        ne(sessions.state, 'ended'),
      ),
    );
}

/**
 * Moves what belongs to `from` over to `to`: identities, sessions, blacklist entries, web chat visitors, and
 * earlier merges.
 */
export async function moveContactData(db: Executor, tenantId: string, from: string, to: string) {
  await db
    .update(contactIdentities)
    .set({ contactId: to })
    .where(and(eq(contactIdentities.tenantId, tenantId), eq(contactIdentities.contactId, from)));
  const moved = await db
    .update(sessions)
    .set({ contactId: to })
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.contactId, from)))
    .returning({ id: sessions.id });
  // One entry per contact is enough: the target's own entry, if any, stays.
  const [targetEntry] = await db
    .select({ id: blacklistEntries.id })
    .from(blacklistEntries)
    .where(and(eq(blacklistEntries.tenantId, tenantId), eq(blacklistEntries.contactId, to)))
    .limit(1);
  if (targetEntry) {
    await db
      .delete(blacklistEntries)
      .where(and(eq(blacklistEntries.tenantId, tenantId), eq(blacklistEntries.contactId, from)));
  } else {
    await db
      .update(blacklistEntries)
      .set({ contactId: to })
      .where(and(eq(blacklistEntries.tenantId, tenantId), eq(blacklistEntries.contactId, from)));
  }
  // A web chat visitor of the source writes in as the target from now on.
  await db
    .update(webchatVisitors)
    .set({ contactId: to })
    .where(and(eq(webchatVisitors.tenantId, tenantId), eq(webchatVisitors.contactId, from)));
  // Contacts merged into the source earlier now point at the target directly.
  await db
    .update(contacts)
    .set({ mergedIntoId: to })
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.mergedIntoId, from)));
  return { sessionIds: moved.map((r) => r.id) };
}

/** Sessions of a contact, newest first, after the cursor's (createdAt, id). */
export async function sessionsOfContact(
  db: Executor,
  tenantId: string,
  contactId: string,
  options: { limit: number; beforeId?: string | undefined },
) {
  const conditions: Array<SQL | undefined> = [
    eq(sessions.tenantId, tenantId),
    eq(sessions.contactId, contactId),
  ];
  // Compared in the database: timestamps have microseconds, which a JavaScript Date would round away.
  if (options.beforeId)
    conditions.push(
      sql`(${sessions.createdAt}, ${sessions.id}) < (SELECT s2.created_at, s2.id FROM ${sessions} s2 WHERE s2.id = ${options.beforeId} AND s2.tenant_id = ${tenantId})`,
    );
  return db
    .select({
      id: sessions.id,
      tenantId: sessions.tenantId,
      channel: sessions.channel,
      channelAccountId: sessions.channelAccountId,
      sourceName: channelAccounts.name,
      groupId: sessions.groupId,
      state: sessions.state,
      queuedAt: sessions.queuedAt,
      acceptedAt: sessions.acceptedAt,
      endedAt: sessions.endedAt,
      endReason: sessions.endReason,
      wrapupReasonId: sessions.wrapupReasonId,
      wrapupNote: sessions.wrapupNote,
      createdAt: sessions.createdAt,
    })
    .from(sessions)
    .innerJoin(channelAccounts, eq(channelAccounts.id, sessions.channelAccountId))
    .where(and(...conditions))
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(options.limit);
}

/** Messages of the sessions in time order, with their authors' names. */
export async function messagesOfSessions(db: Executor, tenantId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  const rows = await db
    .select({
      id: messages.id,
      sessionId: messages.sessionId,
      direction: messages.direction,
      authorKind: messages.authorKind,
      authorUserId: messages.authorUserId,
      authorName: users.name,
      text: messages.text,
      quotedMessageId: messages.quotedMessageId,
      status: messages.status,
      errorReason: messages.errorReason,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorUserId))
    .where(and(eq(messages.tenantId, tenantId), inArray(messages.sessionId, sessionIds)))
    .orderBy(asc(messages.position));
  return rows.map(({ authorUserId, authorName, ...m }) => ({
    ...m,
    author: authorUserId && authorName ? { userId: authorUserId, name: authorName } : null,
  }));
}

export async function tagNamesOfSessions(db: Executor, tenantId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  return db
    .select({ sessionId: sessionTags.sessionId, name: tags.name })
    .from(sessionTags)
    .innerJoin(tags, eq(tags.id, sessionTags.tagId))
    .where(and(eq(sessionTags.tenantId, tenantId), inArray(sessionTags.sessionId, sessionIds)))
    .orderBy(asc(tags.name));
}

export async function filesOfSessions(db: Executor, tenantId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  return db
    .select({
      id: files.id,
      sessionId: files.sessionId,
      messageId: files.messageId,
      name: files.name,
      contentType: files.contentType,
      size: files.size,
      status: files.status,
      storageKey: files.storageKey,
      createdAt: files.createdAt,
    })
    .from(files)
    .where(and(eq(files.tenantId, tenantId), inArray(files.sessionId, sessionIds)))
    .orderBy(asc(files.createdAt));
}

export async function timelineOfSessions(db: Executor, tenantId: string, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  return db
    .select({
      sessionId: sessionEvents.sessionId,
      type: sessionEvents.type,
      actorKind: sessionEvents.actorKind,
      data: sessionEvents.data,
      createdAt: sessionEvents.createdAt,
    })
    .from(sessionEvents)
    .where(and(eq(sessionEvents.tenantId, tenantId), inArray(sessionEvents.sessionId, sessionIds)))
    .orderBy(asc(sessionEvents.id));
}

export async function blacklistEntriesOf(db: Executor, tenantId: string, contactId: string) {
  return db
    .select({
      id: blacklistEntries.id,
      reason: blacklistEntries.reason,
      createdAt: blacklistEntries.createdAt,
    })
    .from(blacklistEntries)
    .where(and(eq(blacklistEntries.tenantId, tenantId), eq(blacklistEntries.contactId, contactId)));
}

export async function allSessionIdsOf(db: Executor, tenantId: string, contactId: string) {
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.contactId, contactId)));
  return rows.map((r) => r.id);
}

/**
 * Deletes the person's data for an erase: files and messages of their sessions, their identities, the
 * blacklist entries that name them and their web chat visitor tokens. Returns the counts and the deleted files,
 * whose stored bytes must go too.
 */
export async function deletePersonalData(
  db: Executor,
  tenantId: string,
  contactId: string,
  sessionIds: string[],
) {
  let storedFiles: Array<{ id: string; storageKey: string | null }> = [];
  let messagesDeleted = 0;
  if (sessionIds.length) {
    const deletedFiles = await db
      .delete(files)
      .where(and(eq(files.tenantId, tenantId), inArray(files.sessionId, sessionIds)))
      .returning({ id: files.id, storageKey: files.storageKey });
    storedFiles = deletedFiles;
    const deletedMessages = await db
      .delete(messages)
      .where(and(eq(messages.tenantId, tenantId), inArray(messages.sessionId, sessionIds)))
      .returning({ id: messages.id });
    messagesDeleted = deletedMessages.length;
  }
  const deletedIdentities = await db
    .delete(contactIdentities)
    .where(and(eq(contactIdentities.tenantId, tenantId), eq(contactIdentities.contactId, contactId)))
    .returning({ id: contactIdentities.id });
  await db
    .delete(blacklistEntries)
    .where(and(eq(blacklistEntries.tenantId, tenantId), eq(blacklistEntries.contactId, contactId)));
  // The widget's token no longer leads to anyone: a returning visitor starts as a new contact.
  await db
    .delete(webchatVisitors)
    .where(and(eq(webchatVisitors.tenantId, tenantId), eq(webchatVisitors.contactId, contactId)));
  return { storedFiles, messagesDeleted, identitiesDeleted: deletedIdentities.length };
}

export async function deleteContactRow(db: Executor, tenantId: string, contactId: string) {
  await db.delete(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, contactId)));
}

/** Contacts merged into this one, to erase them with it (they are the same person). */
export async function mergedContactIds(db: Executor, tenantId: string, contactId: string) {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM ${contacts} WHERE tenant_id = ${tenantId} AND merged_into_id = ${contactId} AND id <> ${contactId}`,
  );
  return rows.map((r) => r.id);
}
