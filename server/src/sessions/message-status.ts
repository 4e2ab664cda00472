import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { messages } from '../db/schema.js';
import type { MessageRow } from './sessions.repo.js';

export type DeliveryStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'error';

const RANK: Record<string, number> = { sending: 0, error: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Moves a message's delivery status forward only: sending < sent < delivered < read, whatever order updates
 * arrive in. An error ends `sending`; a later success (a retry) overrides an error.
 * Returns the message when it changed, undefined when the update was stale.
 */
export async function advanceMessageStatus(
  tx: Executor,
  messageId: string,
  update: {
    status: DeliveryStatus;
    at: Date;
    channelMessageId?: string;
    errorCode?: string;
    errorReason?: string;
  },
): Promise<MessageRow | undefined> {
  const rank = RANK[update.status]!;
  const allowed =
    update.status === 'error'
      ? sql`${messages.status} = 'sending'`
      : sql`(CASE ${messages.status} WHEN 'sending' THEN 0 WHEN 'error' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 99 END) < ${rank}`;
  const [row] = await tx
    .update(messages)
    .set({
      status: update.status,
      statusAt: update.at,
      ...(update.channelMessageId ? { channelMessageId: update.channelMessageId } : {}),
      errorCode: update.status === 'error' ? (update.errorCode ?? null) : null,
      errorReason: update.status === 'error' ? (update.errorReason ?? null) : null,
    })
    .where(and(eq(messages.id, messageId), allowed))
    .returning();
  return row;
}
