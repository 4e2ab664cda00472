import { and, desc, eq, inArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { prebuilt, type Executor } from '../db/database.js';
import { apiKeys, blacklistEntries, contacts, users } from '../db/schema.js';

const entryColumns = {
  id: blacklistEntries.id,
  contactId: blacklistEntries.contactId,
  contactName: contacts.name,
  identityKind: blacklistEntries.identityKind,
  identityValue: blacklistEntries.identityValue,
  reason: blacklistEntries.reason,
  createdAt: blacklistEntries.createdAt,
  createdByUserName: users.name,
  createdByApiKeyName: apiKeys.name,
};

type Kind = 'wa_id' | 'bsuid' | 'psid' | 'webchat_visitor' | 'phone' | 'email';

/** An entry as the API shows it: who added it as one field, the administrator or the API key. */
function entryOf({ createdByUserName, createdByApiKeyName, ...row }: EntryRow) {
  const createdBy =
    createdByUserName !== null
      ? { kind: 'user' as const, name: createdByUserName }
      : createdByApiKeyName !== null
        ? { kind: 'api_key' as const, name: createdByApiKeyName }
        : null;
  return { ...row, identityKind: row.identityKind as Kind | null, createdBy };
}

type EntryRow = Awaited<ReturnType<typeof selectEntries>>[number];

/** The entries with the contact they name and who added them. */
function selectEntries(db: Executor) {
  return db
    .select(entryColumns)
    .from(blacklistEntries)
    .leftJoin(contacts, eq(contacts.id, blacklistEntries.contactId))
    .leftJoin(users, eq(users.id, blacklistEntries.createdByUserId))
    .leftJoin(apiKeys, eq(apiKeys.id, blacklistEntries.createdByApiKeyId));
}

export async function listEntries(db: Executor, tenantId: string) {
  const rows = await selectEntries(db)
    .where(eq(blacklistEntries.tenantId, tenantId))
    .orderBy(desc(blacklistEntries.createdAt), desc(blacklistEntries.id));
  return rows.map(entryOf);
}

export async function findEntry(db: Executor, tenantId: string, entryId: string) {
  const [row] = await selectEntries(db).where(
    and(eq(blacklistEntries.tenantId, tenantId), eq(blacklistEntries.id, entryId)),
  );
  return row && entryOf(row);
}

export async function findSameEntry(
  db: Executor,
  tenantId: string,
  entry: { contactId?: string | undefined; identityKind?: string; identityValue?: string },
) {
  const condition = entry.contactId
    ? eq(blacklistEntries.contactId, entry.contactId)
    : and(
        eq(blacklistEntries.identityKind, entry.identityKind!),
        eq(blacklistEntries.identityValue, entry.identityValue!),
      );
  const [row] = await db
    .select({ id: blacklistEntries.id })
    .from(blacklistEntries)
    .where(and(eq(blacklistEntries.tenantId, tenantId), condition));
  return row;
}

export async function insertEntry(
  db: Executor,
  row: {
    tenantId: string;
    contactId: string | null;
    identityKind: string | null;
    identityValue: string | null;
    reason: string | null;
    createdByUserId: string | null;
    createdByApiKeyId: string | null;
  },
) {
  const [entry] = await db.insert(blacklistEntries).values(row).returning({ id: blacklistEntries.id });
  return entry!;
}

export async function updateEntryReason(
  db: Executor,
  tenantId: string,
  entryId: string,
  reason: string | null,
) {
  const rows = await db
    .update(blacklistEntries)
    .set({ reason })
    .where(and(eq(blacklistEntries.tenantId, tenantId), eq(blacklistEntries.id, entryId)))
    .returning({ id: blacklistEntries.id });
  return rows.length > 0;
}

export async function deleteEntry(db: Executor, tenantId: string, entryId: string) {
  const rows = await db
    .delete(blacklistEntries)
    .where(and(eq(blacklistEntries.tenantId, tenantId), eq(blacklistEntries.id, entryId)))
    .returning({ id: blacklistEntries.id });
  return rows.length > 0;
}

/**
 * What a contact (`contact`: the alias of a row of `contacts` in the caller's statement) is known by, as a JSON
 * array of `{ kind, value }`: its identity rows, and the phone and e-mail on its card.
 */
export function knownBySql(contact: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('kind', k.kind, 'value', k.value)), '[]'::json) FROM (
      SELECT i.kind, i.value FROM contact_identities i WHERE i.contact_id = ${contact}.id
      UNION ALL
      SELECT card.kind, card.value FROM (VALUES ('phone', ${contact}.phone), ('email', ${contact}.email))
        AS card(kind, value) WHERE card.value <> '') AS k)`;
}

const matchAndIdentitiesStatement = prebuilt('blacklist_match_and_known_by', (db) =>
  db
    .select(
      // The contact's id as the value given: in a statement on one table the query layer leaves columns
      // unqualified, and inside the entries' subquery a bare `id` would be the entry's own.
      blacklistColumnsOf(
        sql.placeholder('tenantId'),
        { id: sql.placeholder('contactId') },
        {
          kinds: sql.placeholder('kinds'),
          values: sql.placeholder('values'),
        },
      ),
    )
    .from(contacts)
    .where(
      and(eq(contacts.id, sql.placeholder('contactId')), eq(contacts.tenantId, sql.placeholder('tenantId'))),
    ),
);

/**
 * In one round trip: whether an entry names this contact or any of these (already normalised) identities, and
 * the identities the contact is known by (its identity rows, the phone and e-mail on its card), for the caller to
 * check those it did not pass. Built once and prepared: the contact is reached by its primary key and its
 * identities through it, so the generic plan cannot prefer the tenant's whole identity index.
 */
export async function matchAndIdentitiesOfContact(
  db: Executor,
  tenantId: string,
  contactId: string,
  identities: Array<{ kinds: string[]; value: string }>,
): Promise<{ matched: boolean; identities: Array<{ kind: string; value: string }> }> {
  const { kinds, values } = blacklistPairsOf(identities);
  const [row] = await matchAndIdentitiesStatement(db, { tenantId, contactId, kinds, values });
  // No such contact of the tenant: only the given identities can match.
  if (!row) return { matched: await anyEntryMatches(db, tenantId, contactId, identities), identities: [] };
  return { matched: row.blacklistMatched, identities: row.knownBy ?? [] };
}

/** Given identities as the blacklist columns below take them: kinds and values side by side (or placeholders). */
export interface BlacklistPairs {
  kinds: string[] | SQLWrapper;
  values: string[] | SQLWrapper;
}

/** The (kind, value) pairs an entry may name for these (already normalised) identities. */
export function blacklistPairsOf(identities: Array<{ kinds: string[]; value: string }>): {
  kinds: string[];
  values: string[];
} {
  const pairs = identities.flatMap((i) => i.kinds.map((kind) => [kind, i.value] as const));
  return { kinds: pairs.map(([kind]) => kind), values: pairs.map(([, value]) => value) };
}

/**
 * `matchAndIdentitiesOfContact` as two columns of a caller's statement about the contact (the inbound path reads
 * them with the contact, a round trip less on every customer message): whether an entry names the contact or one
 * of the given identities (`blacklistMatchOf`), and what the contact is known by.
 */
export function blacklistColumnsOf(
  tenantId: string | SQLWrapper,
  /** The contact's columns, qualified by its table (`contacts`). */
  contact: { id: SQLWrapper },
  given: BlacklistPairs,
) {
  return {
    blacklistMatched: blacklistMatchOf(tenantId, contact.id, given),
    knownBy: sql<Array<{ kind: string; value: string }>>`${sql.raw(knownBySql('"contacts"'))}`,
  };
}

/** Whether an entry names the contact or one of the given identities, as a column. */
export function blacklistMatchOf(
  tenantId: string | SQLWrapper,
  /** A column must come qualified by its table: inside the subquery a bare `contact_id` is the entry's own. */
  contactId: SQLWrapper | string,
  given: BlacklistPairs,
) {
  const array = (value: string[] | SQLWrapper) => (Array.isArray(value) ? sql.param(value) : value);
  return sql<boolean>`EXISTS (
    SELECT 1 FROM blacklist_entries b
    WHERE b.tenant_id = ${tenantId} AND (b.contact_id = ${contactId} OR (b.identity_kind, b.identity_value) IN (
      SELECT k, v FROM unnest(${array(given.kinds)}::text[], ${array(given.values)}::text[]) AS given(k, v))))`;
}

/** Whether an entry names this contact or any of these (already normalised) identities. */
export async function anyEntryMatches(
  db: Executor,
  tenantId: string,
  contactId: string | undefined,
  identities: Array<{ kinds: string[]; value: string }>,
): Promise<boolean> {
  const conditions: SQL[] = [];
  if (contactId) conditions.push(eq(blacklistEntries.contactId, contactId));
  for (const identity of identities) {
    conditions.push(
      and(
        identity.kinds.length === 1
          ? eq(blacklistEntries.identityKind, identity.kinds[0]!)
          : inArray(blacklistEntries.identityKind, identity.kinds),
        eq(blacklistEntries.identityValue, identity.value),
      )!,
    );
  }
  if (conditions.length === 0) return false;
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(blacklistEntries)
    .where(and(eq(blacklistEntries.tenantId, tenantId), or(...conditions)))
    .limit(1);
  return Boolean(row);
}

/** The contact that stands for this one now: the one it was merged into, else itself. */
export async function currentContactId(db: Executor, tenantId: string, contactId: string) {
  const [row] = await db
    .select({ mergedIntoId: contacts.mergedIntoId })
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, contactId)));
  return row?.mergedIntoId ?? contactId;
}
