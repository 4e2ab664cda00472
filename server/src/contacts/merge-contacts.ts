import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { recordAudit } from '../admin/record-audit.js';
import { AppError } from '../http/app-error.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import { contactView, isErased } from './contact-view.js';
import {
  lockContacts,
  moveContactData,
  openSessionsOf,
  updateContactRow,
  type ContactRow,
} from './contacts.repo.js';

/**
 * Folds a duplicate (the source) into a contact (the target): identities, sessions and blacklist entries move
 * to the target, empty fields of the target's card are filled from the source, notes are joined, and the source
 * is marked as merged (gone from the directory, its id still leads to the target). Refused while both have an
 * open session on the same channel account: one contact cannot have two open sessions there.
 */
export async function mergeContacts(
  deps: { database: Database; now: () => Date },
  actor: Actor,
  targetId: string,
  sourceId: string,
) {
  if (targetId === sourceId) throw new AppError('unprocessable', 'A contact cannot be merged into itself');
  return deps.database.db.transaction(async (tx) => {
    const locked = await lockContacts(tx, actor.tenantId, [targetId, sourceId]);
    const target = locked.find((c) => c.id === targetId);
    const source = locked.find((c) => c.id === sourceId);
    if (!target || isErased(target)) throw AppError.notFound('Contact');
    if (!source || isErased(source)) throw AppError.notFound('Source contact');
    for (const contact of [target, source]) {
      if (contact.mergedIntoId)
        throw new AppError('conflict', `Contact ${contact.id} was already merged into another contact`, {
          reason: 'already_merged',
          contactId: contact.id,
          mergedIntoId: contact.mergedIntoId,
        });
    }
    const open = await openSessionsOf(tx, actor.tenantId, [targetId, sourceId]);
    const clash = open.find(
      (s) =>
        s.contactId === sourceId &&
        open.some((t) => t.contactId === targetId && t.channelAccountId === s.channelAccountId),
    );
    if (clash) {
      throw new AppError(
        'open_session_exists',
        'Both contacts have an open session on the same channel account; end one of them first',
        {
          channelAccountId: clash.channelAccountId,
          sessionIds: open.filter((s) => s.channelAccountId === clash.channelAccountId).map((s) => s.id),
        },
      );
    }
    const { sessionIds } = await moveContactData(tx, actor.tenantId, sourceId, targetId);
    await updateContactRow(tx, actor.tenantId, targetId, filledFrom(target, source), deps.now());
    await updateContactRow(tx, actor.tenantId, sourceId, { mergedIntoId: targetId }, deps.now());
    const tenantRoom = [rooms.tenant(actor.tenantId)];
    await recordEvent(tx, actor.tenantId, 'contact.changed', tenantRoom, {
      contactId: sourceId,
      change: 'merged',
      mergedIntoId: targetId,
    });
    await recordEvent(tx, actor.tenantId, 'contact.changed', tenantRoom, {
      contactId: targetId,
      change: 'updated',
      mergedIntoId: null,
    });
    await recordAudit(
      tx,
      actor,
      'contact.merge',
      { type: 'contact', id: targetId },
      {
        sourceContactId: sourceId,
        sessionsMoved: sessionIds.length,
      },
    );
    return (await contactView(tx, actor.tenantId, targetId))!;
  });
}

const CARD_FIELDS = ['name', 'firstName', 'lastName', 'email', 'phone', 'avatarUrl'] as const;

/** The target's card with its empty fields taken from the source, and both notes kept. */
function filledFrom(target: ContactRow, source: ContactRow) {
  const fields: Partial<Record<(typeof CARD_FIELDS)[number] | 'note', string | null>> = {};
  for (const key of CARD_FIELDS) if (!target[key] && source[key]) fields[key] = source[key];
  if (source.note && source.note !== target.note)
    fields.note = target.note ? `${target.note}\n\n${source.note}` : source.note;
  return fields;
}
