import { and, eq } from 'drizzle-orm';
import { Type } from 'typebox';
import type { Actor } from '../auth/actor.js';
import { ChannelError } from '../channels/channel-adapter.js';
import { messages, sessions } from '../db/schema.js';
import { AppError } from '../http/app-error.js';
import { defineJob } from '../jobs/job-definition.js';
import { announceMessage, messageSummary } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { lockVisibleSession, requireParticipant, requireState } from './session-guards.js';
import { findMessage } from './sessions.repo.js';

/**
 * An operator reacts to a message with an emoji, or takes the reaction back (`emoji` null). The reaction is kept
 * on the message (`metadata.reactions.operator`, beside the customer's), announced, and sent to the channel by a
 * job after commit. Only channels that show reactions take them.
 */
export async function reactToMessage(
  deps: EngineDeps,
  actor: Actor,
  sessionId: string,
  messageId: string,
  emoji: string | null,
) {
  if (actor.kind !== 'user') throw new AppError('unprocessable', 'Reactions are sent by operators');
  return deps.database.db.transaction(async (tx) => {
    const session = await lockVisibleSession(tx, actor, sessionId);
    requireState(session, 'active');
    await requireParticipant(tx, actor, session);
    const message = await findMessage(tx, session.id, messageId);
    if (!message) throw AppError.notFound('Message');
    const adapter = deps.channels.get(session.channel);
    if (!adapter.react)
      throw new AppError('unprocessable', `Reactions cannot be sent on ${session.channel}`, {
        reason: 'reactions_unsupported',
      });
    if (message.direction === 'internal' || !message.channelMessageId)
      throw new AppError('unprocessable', 'Only a message the customer has can be reacted to', {
        reason: 'not_on_channel',
      });
    const reactions = { ...((message.metadata.reactions as Record<string, unknown> | undefined) ?? {}) };
    if (emoji === null) delete reactions.operator;
    else reactions.operator = emoji;
    const [updated] = await tx
      .update(messages)
      .set({ metadata: { ...message.metadata, reactions } })
      .where(eq(messages.id, message.id))
      .returning();
    await deps.jobs.send(sendReaction, { tenantId: session.tenantId, messageId: message.id }, { tx });
    await announceMessage(tx, session, updated!, 'message.updated');
    return messageSummary(tx, updated!);
  });
}

/**
 * Sends the message's current operator reaction to the channel (so that of two quick changes, the last one wins
 * whatever order the jobs run in). Retryable channel errors are retried; a final one is logged by the queue.
 */
export const sendReaction = defineJob({
  name: 'send-reaction',
  payload: Type.Object({ tenantId: Type.String(), messageId: Type.String() }),
  retry: { limit: 6, delaySeconds: 2, backoff: true },
  async handle(deps: EngineDeps, payload) {
    const db = deps.database.db;
    const [row] = await db
      .select({ message: messages, session: sessions })
      .from(messages)
      .innerJoin(sessions, eq(sessions.id, messages.sessionId))
      .where(and(eq(messages.id, payload.messageId), eq(messages.tenantId, payload.tenantId)));
    if (!row?.message.channelMessageId) return;
    const emoji = (row.message.metadata.reactions as { operator?: string } | undefined)?.operator ?? null;
    try {
      await deps.channels.get(row.session.channel).react?.(
        {
          tx: db,
          tenantId: row.session.tenantId,
          channelAccountId: row.session.channelAccountId,
          sessionId: row.session.id,
          contactId: row.session.contactId,
        },
        { channelMessageId: row.message.channelMessageId },
        emoji,
      );
    } catch (error) {
      if (error instanceof ChannelError && !error.retryable) return;
      throw error;
    }
  },
});
