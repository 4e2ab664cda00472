import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import { contactView } from './contact-view.js';
import { lockContacts, updateContactRow } from './contacts.repo.js';

export interface UpdateContactInput {
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  email?: string | null;
  note?: string | null;
}

/** Edits the contact card (operators do this from the contact panel). Empty text clears a field. */
export async function updateContact(
  deps: { database: Database; now: () => Date },
  actor: Actor,
  contactId: string,
  input: UpdateContactInput,
) {
  const fields = Object.fromEntries(
    Object.entries(input).map(([key, value]) => [
      key,
      typeof value === 'string' && !value.trim() ? null : (value?.trim() ?? null),
    ]),
  );
  return deps.database.db.transaction(async (tx) => {
    const [row] = await lockContacts(tx, actor.tenantId, [contactId]);
    if (!row || row.mergedIntoId === row.id) throw AppError.notFound('Contact');
    if (row.mergedIntoId)
      throw new AppError('conflict', 'This contact was merged into another; edit that one', {
        mergedIntoId: row.mergedIntoId,
      });
    await updateContactRow(tx, actor.tenantId, contactId, fields, deps.now());
    await recordEvent(tx, actor.tenantId, 'contact.changed', [rooms.tenant(actor.tenantId)], {
      contactId,
      change: 'updated',
      mergedIntoId: null,
    });
    // Which fields changed, not their values: the audit log must not keep personal data after an erase.
    await recordAudit(
      tx,
      actor,
      'contact.update',
      { type: 'contact', id: contactId },
      { fields: Object.keys(fields) },
    );
    return (await contactView(tx, actor.tenantId, contactId))!;
  });
}
