import type { Executor } from '../db/database.js';
import { ChannelError, type ChannelAdapter, type OutboundMessage } from '../channels/channel-adapter.js';
import type { EngineDeps } from './engine-deps.js';
import { advanceMessageStatus } from './message-status.js';
import type { MessageRow, SessionRow } from './sessions.repo.js';

/**
 * Hands an outbound message to its channel. Web chat delivers inside this transaction; WhatsApp and Messenger
 * get an outbox row in the same transaction, so the message is sent only if it was committed, and kept until
 * the channel accepts it or it fails for good.
 */
export async function deliverMessage(
  tx: Executor,
  deps: Pick<EngineDeps, 'channels' | 'outbox' | 'now'>,
  session: SessionRow,
  message: MessageRow,
  extra: Partial<OutboundMessage> = {},
): Promise<MessageRow> {
  const adapter = deps.channels.get(session.channel);
  if (!adapter.inline) {
    await deps.outbox.enqueue(tx, {
      tenantId: session.tenantId,
      sessionId: session.id,
      messageId: message.id,
    });
    return message;
  }
  try {
    const { channelMessageId } = await sendThroughChannel(adapter, tx, session, message, extra);
    const sent = await advanceMessageStatus(tx, message.id, {
      status: 'sent',
      at: deps.now(),
      channelMessageId,
    });
    return sent ?? message;
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    const failed = await advanceMessageStatus(tx, message.id, {
      status: 'error',
      at: deps.now(),
      errorCode: error.code,
      errorReason: error.reason,
    });
    return failed ?? message;
  }
}

/** One call of the channel's `send` for a stored message: inline in `tx`, or from the outbox after commit. */
export function sendThroughChannel(
  adapter: ChannelAdapter,
  tx: Executor,
  session: SessionRow,
  message: MessageRow,
  extra: Partial<OutboundMessage> = {},
): Promise<{ channelMessageId: string }> {
  return adapter.send(
    {
      tx,
      tenantId: session.tenantId,
      channelAccountId: session.channelAccountId,
      sessionId: session.id,
      contactId: session.contactId,
    },
    { messageId: message.id, ...(message.text !== null ? { text: message.text } : {}), ...extra },
  );
}
