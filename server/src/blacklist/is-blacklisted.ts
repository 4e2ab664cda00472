import type { Executor } from '../db/database.js';
import { anyEntryMatches, currentContactId, matchAndIdentitiesOfContact } from './blacklist.repo.js';
import { equivalentKinds, normalizeIdentity } from './normalize-identity.js';

/**
 * Whether the tenant refuses this customer: an entry names the contact, or one of the given identities, or one
 * of the identities the contact is known by (its identity rows, the phone and e-mail on its card). A phone
 * entry also matches the same number as a wa_id, and the other way round.
 */
export async function isBlacklisted(
  db: Executor,
  tenantId: string,
  who: {
    contactId?: string;
    identities?: Array<{ kind: string; value: string }>;
    /** The contact id is already the current one (resolved through merges by the caller). */
    contactIsCurrent?: boolean;
  },
): Promise<boolean> {
  // A contact merged into another is that other contact now: its entries and identities moved there.
  const contactId =
    who.contactId &&
    (who.contactIsCurrent ? who.contactId : await currentContactId(db, tenantId, who.contactId));
  const given = blacklistKeysOf(who.identities ?? []);
  if (!contactId) return anyEntryMatches(db, tenantId, undefined, [...given.values()]);
  // The usual case in one statement: the contact and the given identities, and what else the contact is known by.
  return blacklistedAfter(
    db,
    tenantId,
    given,
    await matchAndIdentitiesOfContact(db, tenantId, contactId, [...given.values()]),
  );
}

/**
 * `isBlacklisted` of a current contact once the first look (`matchAndIdentitiesOfContact`, or the same as columns,
 * `blacklistColumnsOf`) has been read: only identities of the contact beyond the given ones need a second look.
 */
export async function blacklistedAfter(
  db: Executor,
  tenantId: string,
  given: Map<string, { kinds: string[]; value: string }>,
  first: { matched: boolean; identities: Array<{ kind: string; value: string }> },
): Promise<boolean> {
  if (first.matched) return true;
  const more = [...blacklistKeysOf(first.identities)]
    .filter(([key]) => !given.has(key))
    .map(([, identity]) => identity);
  return more.length > 0 && anyEntryMatches(db, tenantId, undefined, more);
}

/** Identities in the form entries are compared in, without repeats. */
export function blacklistKeysOf(identities: Array<{ kind: string; value: string }>) {
  const keys = new Map<string, { kinds: string[]; value: string }>();
  for (const identity of identities) {
    const { kind, value } = normalizeIdentity(identity.kind, identity.value);
    if (!value) continue;
    const kinds = equivalentKinds(kind);
    keys.set(`${kinds.join(',')}\u0000${value}`, { kinds, value });
  }
  return keys;
}
