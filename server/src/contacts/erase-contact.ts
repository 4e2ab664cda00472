import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import { isErased } from './contact-view.js';
import {
  allSessionIdsOf,
  deleteContactRow,
  deletePersonalData,
  lockContacts,
  mergedContactIds,
  updateContactRow,
} from './contacts.repo.js';

/** Where stored file contents are deleted once the erase has committed. */
export interface StoredFileRemover {
  delete(key: string): Promise<void>;
}

/**
 * Erases a contact on request (GDPR): the messages and files of their sessions, their identities, the blacklist
 * entries naming them, and the card itself, including contacts merged into it earlier. The sessions stay (for
 * statistics) without the person: `sessions.contact_id` is NOT NULL, so while sessions point at the contact its
 * row is kept emptied and marked erased (merged into itself), and it is gone from every read.
 */
export async function eraseContact(
  deps: { database: Database; now: () => Date; fileStore?: StoredFileRemover | undefined },
  actor: Actor,
  contactId: string,
) {
  const result = await deps.database.db.transaction(async (tx) => {
    const merged = await mergedContactIds(tx, actor.tenantId, contactId);
    const locked = await lockContacts(tx, actor.tenantId, [contactId, ...merged]);
    const contact = locked.find((c) => c.id === contactId);
    if (!contact || isErased(contact)) throw AppError.notFound('Contact');
    if (contact.mergedIntoId)
      throw new AppError('conflict', 'This contact was merged into another; erase that one', {
        mergedIntoId: contact.mergedIntoId,
      });
    const sessionIds = await allSessionIdsOf(tx, actor.tenantId, contactId);
    const deleted = await deletePersonalData(tx, actor.tenantId, contactId, sessionIds);
    for (const id of merged) await deleteContactRow(tx, actor.tenantId, id);
    if (sessionIds.length === 0) {
      await deleteContactRow(tx, actor.tenantId, contactId);
    } else {
      await updateContactRow(
        tx,
        actor.tenantId,
        contactId,
        {
          name: null,
          firstName: null,
          lastName: null,
          email: null,
          phone: null,
          avatarUrl: null,
          note: null,
          mergedIntoId: contactId,
        },
        deps.now(),
      );
    }
    await recordEvent(tx, actor.tenantId, 'contact.changed', [rooms.tenant(actor.tenantId)], {
      contactId,
      change: 'erased',
      mergedIntoId: null,
    });
    const counts = {
      contactId,
      sessions: sessionIds.length,
      messagesDeleted: deleted.messagesDeleted,
      identitiesDeleted: deleted.identitiesDeleted,
      filesDeleted: deleted.filesDeleted,
    };
    await recordAudit(tx, actor, 'contact.erase', { type: 'contact', id: contactId }, { ...counts });
    return { counts, storageKeys: deleted.storageKeys };
  });
  // Commit first, then delete the bytes: a rolled-back erase must not lose files.
  if (deps.fileStore) {
    for (const key of result.storageKeys) await deps.fileStore.delete(key).catch(() => {});
  }
  return result.counts;
}
