import type { Executor } from '../../db/database.js';
import { rooms } from '../../realtime/event-map.js';
import { recordEvent } from '../../realtime/record-event.js';
import { visitorMessage, visitorsOfContact } from './webchat.repo.js';

/** Tells the customer's widgets (every browser of the contact) that a message changed: its files, its status. */
export async function announceToVisitors(
  tx: Executor,
  session: { tenantId: string; channelAccountId: string; contactId: string },
  messageId: string,
): Promise<void> {
  const targets = (await visitorsOfContact(tx, session.channelAccountId, session.contactId)).map((v) =>
    rooms.visitor(v.id),
  );
  if (targets.length === 0) return;
  const view = await visitorMessage(tx, messageId);
  if (view) await recordEvent(tx, session.tenantId, 'visitor.message.updated', targets, view);
}
