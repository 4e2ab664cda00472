import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { messages } from '../db/schema.js';
import type { MessageRow } from './sessions.repo.js';

export type DeliveryStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'error';

const RANK: Record<string, number> = { sending: 0, sent: 1, delivered: 2, read: 3, error: 0 };

/**
 * Moves a message's delivery status forward only: sending < sent < delivered < read, whatever order updates
 * arrive in. A failure may follow `sending` or `sent` (Meta reports `failed` after `sent`), and is final: a later
 * `sent` (the outbox's answer arriving after the failure webhook) does not undo it; only an operator's retry, which
 * puts the message back to `sending`, does. Returns the message when it changed, undefined when the update was stale.
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
      ? sql`${messages.status} IN ('sending', 'sent')`
      : sql`(CASE ${messages.status} WHEN 'sending' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 99 END) < ${rank}`;

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
