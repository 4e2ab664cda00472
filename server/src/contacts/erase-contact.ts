import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { storageKeys, type FileStore } from '../files/file-store.js';
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
  openSessionsOf,
  updateContactRow,
} from './contacts.repo.js';

/**
 * Erases a contact on request (GDPR): the messages and files of their sessions, their identities, the blacklist
 * entries naming them, and the card itself, including contacts merged into it earlier. The sessions stay (for
 * statistics) without the person: `sessions.contact_id` is NOT NULL, so while sessions point at the contact its
 * row is kept emptied and marked erased (merged into itself), and it is gone from every read. Refused while the
 * contact is in an open session: an operator would be left writing to someone who no longer exists.
 */
export async function eraseContact(
  deps: { database: Database; now: () => Date; fileStore?: Pick<FileStore, 'delete'> | undefined },
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
    const open = await openSessionsOf(tx, actor.tenantId, [contactId]);
    if (open.length)
      throw new AppError('open_session_exists', 'The contact is in an open session; end it before erasing', {
        sessionIds: open.map((s) => s.id),
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
      filesDeleted: deleted.storedFiles.length,
    };
    await recordAudit(tx, actor, 'contact.erase', { type: 'contact', id: contactId }, { ...counts });
    return { counts, storedFiles: deleted.storedFiles };
  });
  // Commit first, then delete the bytes (content and thumbnail): a rolled-back erase must not lose files. A
  // failed delete leaves an orphan object that no row points at, never personal data reachable by the API.
  if (deps.fileStore) {
    for (const file of result.storedFiles) {
      const keys = [file.storageKey, storageKeys.thumbnail(actor.tenantId, file.id)];
      for (const key of keys) if (key) await deps.fileStore.delete(key).catch(() => {});
    }
  }
  return result.counts;
}
