import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { findContactRow } from '../contacts/contacts.repo.js';
import { AppError } from '../http/app-error.js';
import { findEntry, findSameEntry, insertEntry } from './blacklist.repo.js';
import { normalizeIdentity } from './normalize-identity.js';

export type AddToBlacklistInput =
  | { contactId: string; reason?: string | null | undefined }
  | { identityKind: string; identityValue: string; reason?: string | null | undefined };

/** Refuses a contact, or a raw identity, from now on. The same entry twice is a conflict. */
export async function addToBlacklist(deps: { database: Database }, actor: Actor, input: AddToBlacklistInput) {
  return deps.database.db.transaction(async (tx) => {
    let row: { contactId: string | null; identityKind: string | null; identityValue: string | null };
    if ('contactId' in input) {
      const contact = await findContactRow(tx, actor.tenantId, input.contactId);
      if (!contact || contact.mergedIntoId) throw AppError.notFound('Contact');
      row = { contactId: contact.id, identityKind: null, identityValue: null };
    } else {
      const { kind, value } = normalizeIdentity(input.identityKind, input.identityValue);
      if (!value)
        throw new AppError('unprocessable', `Not a usable ${input.identityKind}: ${input.identityValue}`);
      row = { contactId: null, identityKind: kind, identityValue: value };
    }
    const same = await findSameEntry(tx, actor.tenantId, {
      contactId: row.contactId ?? undefined,
      identityKind: row.identityKind ?? '',
      identityValue: row.identityValue ?? '',
    });
    if (same) throw AppError.alreadyExists('value', 'This is already on the blacklist', { entryId: same.id });
    const { id } = await insertEntry(tx, {
      tenantId: actor.tenantId,
      ...row,
      reason: input.reason ?? null,
      createdByUserId: actor.kind === 'user' ? actor.id : null,
      createdByApiKeyId: actor.kind === 'api_key' ? actor.id : null,
    });
    await recordAudit(
      tx,
      actor,
      'blacklist.add',
      { type: 'blacklist_entry', id },
      {
        contactId: row.contactId,
        identityKind: row.identityKind,
      },
    );
    return (await findEntry(tx, actor.tenantId, id))!;
  });
}
