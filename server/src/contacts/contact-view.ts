import type { Executor } from '../db/database.js';
import { isBlacklisted } from '../blacklist/is-blacklisted.js';
import { findContactRow, identitiesOf } from './contacts.repo.js';

/**
 * An erased contact that sessions still point at is kept as an empty row merged into itself: it is gone from
 * every read, and its sessions keep a valid link.
 */
export const isErased = (row: { id: string; mergedIntoId: string | null }) => row.mergedIntoId === row.id;

/** A contact as the API shows it, or undefined when it does not exist in the tenant or was erased. */
export async function contactView(db: Executor, tenantId: string, contactId: string) {
  const row = await findContactRow(db, tenantId, contactId);
  if (!row || isErased(row)) return undefined;
  const identities = (await identitiesOf(db, tenantId, [contactId])).map(({ contactId: _c, ...i }) => i);
  return {
    ...row,
    identities,
    blacklisted: await isBlacklisted(db, tenantId, { contactId }),
  };
}
