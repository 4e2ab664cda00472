import { and, eq, sql } from 'drizzle-orm';
import { ChannelError } from '../channels/channel-adapter.js';
import { queryText, type Executor } from '../db/database.js';
import { rowFromJson } from '../db/row-from-json.js';
import { messages } from '../db/schema.js';
import { announceMessage, announceSession } from './announce.js';
import type { ChannelRegistry } from './engine-deps.js';
import { updateSession, type MessageRow, type SessionRow } from './sessions.repo.js';

/**
 * A final refusal that also says the channel's window closed before its computed end (WhatsApp 131047, sent at
 * once or as a failed status): the session's composer then offers templates only, until the customer writes.
 */
export class WindowClosedError extends ChannelError {
  constructor(code: string, reason: string) {
    super(code, reason, false);
  }
}

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

/**
 * Messages the channel accepted, each with its channel id, as `advanceMessageStatus` to `sent` does one: a message
 * already past `sending` (a status webhook came first, or it failed) is left as it is. The messages by primary key.
 */
const MARK_SENT = `
  WITH given AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS g(id uuid, channel_message_id text))
  UPDATE messages m SET status = 'sent', status_at = $2::timestamptz, channel_message_id = g.channel_message_id,
    error_code = NULL, error_reason = NULL
  FROM given g
  WHERE m.id = ANY (ARRAY(SELECT id FROM given)) AND m.id = g.id AND m.status = 'sending'
  RETURNING to_jsonb(m) AS message`;

/** `advanceMessageStatus` to `sent` for many messages in one statement; answers those that changed, by id. */
export async function markSent(
  tx: Executor,
  sent: Array<{ messageId: string; channelMessageId: string }>,
  at: Date,
): Promise<Map<string, MessageRow>> {
  if (sent.length === 0) return new Map();
  const rows = await queryText<{ message: Record<string, unknown> }>(
    tx,
    MARK_SENT,
    [
      JSON.stringify(sent.map((one) => ({ id: one.messageId, channel_message_id: one.channelMessageId }))),
      at.toISOString(),
    ],
    { prepareAs: 'mark_sent' },
  );
  return new Map(
    rows.map(({ message }) => {
      const row = rowFromJson(messages, message);
      return [row.id, row];
    }),
  );
}

/**
 * Records a failed send on its message (with the channel's code and what to do) and announces it; a failure
 * that closes the window closes the session's window too and announces the session, so its composer switches to
 * templates. Returns the message when it changed.
 */
export async function recordSendFailure(
  tx: Executor,
  deps: { channels: ChannelRegistry; now: () => Date },
  session: SessionRow,
  messageId: string,
  error: ChannelError,
  at: Date,
): Promise<MessageRow | undefined> {
  const updated = await advanceMessageStatus(tx, messageId, {
    status: 'error',
    at,
    errorCode: error.code,
    errorReason: error.reason,
  });
  if (!updated) return undefined;
  await announceMessage(tx, session, updated, 'message.updated');
  if (error instanceof WindowClosedError && session.state !== 'ended') {
    const closed = await updateSession(tx, session.id, { windowClosedAt: deps.now() });
    await announceSession(tx, deps, closed);
  }
  return updated;
}

/**
 * The operator's retry: the one way out of `error`. The message goes back to `sending` without its error and its
 * old channel id (a late status of the failed attempt then finds nothing), counting its retries in metadata.
 */
export async function resetForRetry(
  tx: Executor,
  message: MessageRow,
  at: Date,
): Promise<MessageRow | undefined> {
  const retries = Number(message.metadata.retries ?? 0) + 1;
  const [row] = await tx
    .update(messages)
    .set({
      status: 'sending',
      statusAt: at,
      errorCode: null,
      errorReason: null,
      channelMessageId: null,
      metadata: { ...message.metadata, retries },
    })
    .where(and(eq(messages.id, message.id), eq(messages.status, 'error')))
    .returning();
  return row;
}
