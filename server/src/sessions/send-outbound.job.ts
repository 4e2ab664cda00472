import { and, eq } from 'drizzle-orm';
import { Type } from 'typebox';
import { ChannelError } from '../channels/channel-adapter.js';
import { messages, sessions } from '../db/schema.js';
import { defineJob } from '../jobs/job-definition.js';
import { announceMessage } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { advanceMessageStatus, recordSendFailure } from './message-status.js';

/** How many times a retryable failure (rate limit, 5xx, network) is tried again before the message fails. */
const MAX_ATTEMPTS = 8;

/**
 * The outbox: sends one committed message through its channel outside any transaction, then records the
 * result. Retryable failures throw, and the job library retries with backoff; final ones mark the message.
 */
export const sendOutbound = defineJob({
  name: 'send-outbound',
  payload: Type.Object({ tenantId: Type.String(), messageId: Type.String() }),
  retry: { limit: MAX_ATTEMPTS, delaySeconds: 2, backoff: true },
  // Each send waits on the channel's API: several fetch loops keep the outbox flowing past a slow call.
  workers: 4,
  // A job left active by a process that died (kill -9, power loss) is retried once it expires: soon, rather than
  // after the default 15 minutes, but later than the longest send (a media upload may take 120 s, the send 20 s).
  // By then Meta's `sent` status, matched by our message id, has usually marked a send that did go out, so the
  // retry finds the message no longer `sending` and does not send it twice.
  expireInSeconds: 180,
  async handle(deps: EngineDeps, payload, meta) {
    const db = deps.database.db;
    const [row] = await db
      .select({ message: messages, session: sessions })
      .from(messages)
      .innerJoin(sessions, eq(sessions.id, messages.sessionId))
      .where(and(eq(messages.id, payload.messageId), eq(messages.tenantId, payload.tenantId)));
    if (!row || row.message.status !== 'sending') return;
    const { message, session } = row;
    const adapter = deps.channels.get(session.channel);
    let result: { channelMessageId: string } | ChannelError;
    try {
      result = await adapter.send(
        {
          tx: db,
          tenantId: session.tenantId,
          channelAccountId: session.channelAccountId,
          sessionId: session.id,
          contactId: session.contactId,
        },
        { messageId: message.id, ...(message.text !== null ? { text: message.text } : {}) },
      );
    } catch (error) {
      if (!(error instanceof ChannelError)) throw error;
      if (error.retryable && meta.retryCount < MAX_ATTEMPTS) throw error;
      result = error;
    }
    await db.transaction(async (tx) => {
      if (result instanceof ChannelError) {
        await recordSendFailure(tx, deps, session, message.id, result, deps.now());
        return;
      }
      const updated = await advanceMessageStatus(tx, message.id, {
        status: 'sent',
        at: deps.now(),
        channelMessageId: result.channelMessageId,
      });
      if (updated) await announceMessage(tx, session, updated, 'message.updated');
    });
  },
});
