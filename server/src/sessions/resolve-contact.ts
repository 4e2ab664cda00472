import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { prebuilt, type Executor } from '../db/database.js';
import { contactIdentities, contacts, sessions } from '../db/schema.js';
import { findOpenSession, isOpenSessionOf, type SessionRow } from './sessions.repo.js';
import type { InboundContact } from '../channels/channel-adapter.js';
import { blacklistColumnsOf, blacklistMatchOf, blacklistPairsOf } from '../blacklist/blacklist.repo.js';
import { blacklistedAfter, blacklistKeysOf, isBlacklisted } from '../blacklist/is-blacklisted.js';

/** Identities that are scoped to one channel account (a page-scoped id, a widget's visitor). */
export const SCOPED_IDENTITIES = new Set(['psid', 'webchat_visitor']);

type ContactRow = typeof contacts.$inferSelect;

type Lookup = (
  db: Executor,
  values: Record<string, unknown>,
) => Promise<
  Array<{
    contact: ContactRow;
    kind: string;
    value: string;
    session: SessionRow | null;
    blacklistMatched?: boolean;
    knownBy?: Array<{ kind: string; value: string }>;
  }>
>;

const lookups = new Map<string, Lookup>();

/**
 * The contacts holding any of a customer's identities, each with its open session on the account (and, for a
 * message, the first look at the blacklist), as a statement built once per shape: `scopes` has a letter per
 * identity, `s` for one scoped to the account, `g` for a global one. Its generic plan is the one any call wants:
 * identities by their unique key, the contact and its open session by key.
 */
function lookupStatement(scopes: string, withBlacklist: boolean): Lookup {
  const name = `resolve_contact_${scopes}${withBlacklist ? '_b' : ''}`;
  let statement = lookups.get(name);
  if (!statement) {
    const value = (key: string) => sql.placeholder(key);
    statement = prebuilt(name, (db) =>
      db
        .select({
          contact: contacts,
          kind: contactIdentities.kind,
          value: contactIdentities.value,
          session: sessions,
          ...(withBlacklist
            ? blacklistColumnsOf(value('tenantId'), contacts, {
                kinds: value('blacklistKinds'),
                values: value('blacklistValues'),
              })
            : {}),
        })
        .from(contactIdentities)
        .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
        .leftJoin(sessions, isOpenSessionOf(value('tenantId'), contacts.id, value('channelAccountId')))
        .where(
          and(
            eq(contactIdentities.tenantId, value('tenantId')),
            or(
              ...[...scopes].map((scope, n) =>
                and(
                  eq(contactIdentities.kind, value(`kind${n}`)),
                  eq(contactIdentities.value, value(`value${n}`)),
                  scope === 's'
                    ? eq(contactIdentities.channelAccountId, value('channelAccountId'))
                    : isNull(contactIdentities.channelAccountId),
                ),
              ),
            ),
          ),
        ),
    ) as Lookup;
    lookups.set(name, statement);
  }
  return statement;
}

/**
 * Finds the contact behind a customer's identities, or creates it with the channel's profile data. A merged
 * contact resolves to the one it was merged into.
 */
export async function resolveContact(
  tx: Executor,
  tenantId: string,
  channelAccountId: string,
  customer: InboundContact,
): Promise<ContactRow> {
  return (await resolve(tx, tenantId, channelAccountId, customer)).contact;
}

/**
 * `resolveContact` for a customer's message: also the contact's open session on the account, and whether the
 * tenant refuses the customer (`isBlacklisted`). For the usual returning customer all three come from one statement
 * (two round trips less on every message); otherwise the session and the blacklist are looked up once the contact
 * is known.
 */
export async function resolveMessageSender(
  tx: Executor,
  tenantId: string,
  channelAccountId: string,
  customer: InboundContact,
): Promise<{ contact: ContactRow; openSession: SessionRow | undefined; blacklisted: boolean }> {
  const given = blacklistKeysOf(customer.identities);
  const { contact, openSession, blacklist } = await resolve(tx, tenantId, channelAccountId, customer, given);
  return {
    contact,
    openSession:
      openSession === null
        ? undefined
        : (openSession ?? (await findOpenSession(tx, tenantId, contact.id, channelAccountId))),
    blacklisted: blacklist
      ? await blacklistedAfter(tx, tenantId, given, blacklist)
      : await isBlacklisted(tx, tenantId, {
          contactId: contact.id,
          identities: customer.identities,
          contactIsCurrent: true,
        }),
  };
}

/**
 * The contact, and when the first read found it as the usual returning customer: its open session on the account
 * (null: none) and, when `blacklistKeys` are given, the first look at the blacklist. Undefined: not read.
 */
async function resolve(
  tx: Executor,
  tenantId: string,
  channelAccountId: string,
  customer: InboundContact,
  blacklistKeys?: Map<string, { kinds: string[]; value: string }>,
): Promise<{
  contact: ContactRow;
  openSession?: SessionRow | null;
  blacklist?: { matched: boolean; identities: Array<{ kind: string; value: string }> };
}> {
  const scopeOf = (kind: string) => (SCOPED_IDENTITIES.has(kind) ? channelAccountId : null);
  const scopes = customer.identities.map((i) => (scopeOf(i.kind) ? 's' : 'g')).join('');
  const found = await lookupStatement(scopes, Boolean(blacklistKeys))(tx, {
    tenantId,
    channelAccountId,
    ...Object.fromEntries(
      customer.identities.flatMap((i, n) => [
        [`kind${n}`, i.kind],
        [`value${n}`, i.value],
      ]),
    ),
    ...(blacklistKeys
      ? (({ kinds, values }) => ({ blacklistKinds: kinds, blacklistValues: values }))(
          blacklistPairsOf([...blacklistKeys.values()]),
        )
      : {}),
  });
  let contact = found[0]?.contact;
  // The usual returning customer: every identity already belongs to this (unmerged) contact.
  const known = (i: { kind: string; value: string }) =>
    found.some((f) => f.contact.id === contact?.id && f.kind === i.kind && f.value === i.value);
  if (contact && !contact.mergedIntoId && customer.identities.every(known)) {
    const first = found.find((f) => f.contact.id === contact!.id)!;
    return {
      contact,
      openSession: first.session,
      ...(blacklistKeys
        ? { blacklist: { matched: Boolean(first.blacklistMatched), identities: first.knownBy ?? [] } }
        : {}),
    };
  }
  while (contact?.mergedIntoId) {
    [contact] = await tx.select().from(contacts).where(eq(contacts.id, contact.mergedIntoId));
  }
  const created = !contact;
  if (!contact)
    [contact] = await tx
      .insert(contacts)
      .values({ tenantId, ...newContactOf(customer) })
      .returning();
  // Identities seen for the first time join the contact; one already taken by another contact stays there. A new
  // contact's first look at the blacklist comes back with them.
  const joined = await tx
    .insert(contactIdentities)
    .values(
      customer.identities.map((i) => ({
        tenantId,
        contactId: contact!.id,
        kind: i.kind,
        value: i.value,
        channelAccountId: scopeOf(i.kind),
      })),
    )
    .onConflictDoNothing()
    .returning({
      id: contactIdentities.id,
      ...(blacklistKeys && created
        ? {
            blacklistMatched: blacklistMatchOf(
              tenantId,
              contact!.id,
              blacklistPairsOf([...blacklistKeys.values()]),
            ),
          }
        : {}),
    });
  if (created && joined.length === 0 && customer.identities.length > 0) {
    // A concurrent delivery from the same new customer created the contact first (its insert won the identity):
    // drop ours and take that one, or the customer would be split over two contacts and two sessions.
    await tx.delete(contacts).where(eq(contacts.id, contact!.id));
    return resolve(tx, tenantId, channelAccountId, customer, blacklistKeys);
  }
  if (!created) return { contact: contact! };
  // A contact made just now has no session yet, and is known by the identities it came with and its card.
  const card = cardOf(contact!);
  return {
    contact: contact!,
    openSession: null,
    ...(blacklistKeys && joined[0]
      ? { blacklist: { matched: joined.some((j) => j.blacklistMatched), identities: card } }
      : {}),
  };
}

/** A new contact's card, from the channel's profile of the customer. */
export function newContactOf(customer: InboundContact) {
  const profile = customer.profile ?? {};
  return {
    name: profile.name ?? ([profile.firstName, profile.lastName].filter(Boolean).join(' ') || null),
    firstName: profile.firstName ?? null,
    lastName: profile.lastName ?? null,
    email: profile.email ?? null,
    phone: profile.phone ?? null,
    avatarUrl: profile.avatarUrl ?? null,
  };
}

/** The phone and e-mail on a contact's card, as identities (for the blacklist). */
export function cardOf(contact: { phone: string | null; email: string | null }) {
  return [
    ...(contact.phone ? [{ kind: 'phone', value: contact.phone }] : []),
    ...(contact.email ? [{ kind: 'email', value: contact.email }] : []),
  ];
}

/** Contacts of the tenant holding any of these identities (for blacklist checks on raw identities). */
export async function identityValues(tx: Executor, tenantId: string, contactId: string) {
  return tx
    .select({ kind: contactIdentities.kind, value: contactIdentities.value })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.tenantId, tenantId), eq(contactIdentities.contactId, contactId)));
}
