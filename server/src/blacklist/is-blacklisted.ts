import type { Executor } from '../db/database.js';
import { anyEntryMatches, currentContactId, identitiesOfContact } from './blacklist.repo.js';
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
  const identities = [...(who.identities ?? [])];
  // A contact merged into another is that other contact now: its entries and identities moved there.
  const contactId =
    who.contactId &&
    (who.contactIsCurrent ? who.contactId : await currentContactId(db, tenantId, who.contactId));
  if (contactId) identities.push(...(await identitiesOfContact(db, tenantId, contactId)));
  const keys = new Map<string, { kinds: string[]; value: string }>();
  for (const identity of identities) {
    const { kind, value } = normalizeIdentity(identity.kind, identity.value);
    if (!value) continue;
    const kinds = equivalentKinds(kind);
    keys.set(`${kinds.join(',')}\u0000${value}`, { kinds, value });
  }
  return anyEntryMatches(db, tenantId, contactId || undefined, [...keys.values()]);
}
