import type { ChannelAdapter, SendContext } from '../channel-adapter.js';
import { rooms } from '../../realtime/event-map.js';
import { recordEvent } from '../../realtime/record-event.js';
import { publishEphemeral } from '../../realtime/publish-ephemeral.js';
import { visitorMessage, visitorsOfContact } from './webchat.repo.js';

export const WEBCHAT_MAX_TEXT = 4000;
/** Files in one message, from the customer or the operator. */
export const WEBCHAT_MAX_FILES = 10;

async function visitorRooms(context: SendContext): Promise<string[]> {
  return (await visitorsOfContact(context.tx, context.channelAccountId, context.contactId)).map((v) =>
    rooms.visitor(v.id),
  );
}

/**
 * Web chat: delivering a message is recording an event for the customer's widgets, in the sending transaction.
 * No window: operators may write while the session is open.
 */
export const webchatAdapter: ChannelAdapter = {
  channel: 'webchat',
  inline: true,
  limits: { maxTextLength: WEBCHAT_MAX_TEXT, maxAttachmentsPerMessage: WEBCHAT_MAX_FILES },
  composerState: () => ({ freeText: true, freeTextUntil: null, otherwise: 'nothing' }),
  async send(context, message) {
    const view = await visitorMessage(context.tx, message.messageId);
    const targets = await visitorRooms(context);
    if (view && targets.length)
      await recordEvent(context.tx, context.tenantId, 'visitor.message', targets, {
        ...view,
        status: 'sent',
      });
    return { channelMessageId: message.messageId };
  },
  async markRead(context, read) {
    const targets = await visitorRooms(context);
    if (targets.length === 0) return;
    for (const { messageId } of read) {
      const view = await visitorMessage(context.tx, messageId);
      if (view) await recordEvent(context.tx, context.tenantId, 'visitor.message.updated', targets, view);
    }
  },
  async sessionChanged(context, state, operators) {
    const targets = await visitorRooms(context);
    if (targets.length)
      await recordEvent(context.tx, context.tenantId, 'visitor.session', targets, {
        sessionId: context.sessionId,
        state,
        operators,
      });
  },
  async typing(context, typing, name) {
    const targets = await visitorRooms(context);
    if (targets.length)
      await publishEphemeral(context.tx, context.tenantId, 'typing', targets, {
        sessionId: context.sessionId,
        who: 'operator',
        name,
        typing,
      });
  },
};
