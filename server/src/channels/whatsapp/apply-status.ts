import { and, eq, sql } from 'drizzle-orm';
import { Type } from 'typebox';
import type { Executor } from '../../db/database.js';
import { messages, sessions } from '../../db/schema.js';
import type { SessionRow } from '../../sessions/sessions.repo.js';
import { defineJob } from '../../jobs/job-definition.js';
import { announceMessage } from '../../sessions/announce.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { advanceMessageStatus, recordSendFailure } from '../../sessions/message-status.js';
import type { WebhookItem } from './read-webhook.js';
import { statusError } from './map-send-error.js';
import { partWamidsOf } from './send-parts.js';
import { findMessageByWamid, PARKED_STATUS_JOB, REACTION_CALLBACK } from './whatsapp.repo.js';

type StatusItem = Extract<WebhookItem, { kind: 'status' }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies a status webhook to our outbound message, forward only (the engine's `advanceMessageStatus`; a failure
 * may follow `sent`, and a 131047 failure closes the session's window). The message is found by wamid, or — when the
 * status came before the send call returned and the wamid is not stored yet — by the message id we sent as
 * `biz_opaque_callback_data`, which then records the wamid too. Returns false when the message is unknown.
 */
export async function applyStatus(
  deps: EngineDeps,
  channelAccountId: string,
  item: Omit<StatusItem, 'kind' | 'phoneNumberId'>,
): Promise<boolean> {
  // A status of a reaction we sent: the reaction is kept on its message, nothing to follow.
  if (item.callbackData === REACTION_CALLBACK) return true;
  return deps.database.db.transaction(async (tx) => {
    let found = await findMessageByWamid(tx, channelAccountId, item.wamid);
    if (!found && item.callbackData && UUID.test(item.callbackData)) {
      [found] = await tx
        .select({ message: messages, session: sessions })
        .from(messages)
        .innerJoin(sessions, eq(sessions.id, messages.sessionId))
        .where(
          and(
            eq(messages.id, item.callbackData),
            eq(messages.channelAccountId, channelAccountId),
            eq(messages.direction, 'out'),
          ),
        );
    }
    if (!found) return false;
    const attachments = (found.message.metadata.attachments as unknown[] | undefined) ?? [];
    if (attachments.length > 0) {
      // Sent as several WhatsApp messages (see send-parts.ts): a part not recorded yet is parked.
      if (!partWamidsOf(found.message.metadata).includes(item.wamid)) return false;
      await applyPartStatus(tx, deps, found.session, found.message.id, item);
      return true;
    }
    if (found.message.channelMessageId && found.message.channelMessageId !== item.wamid) return false;
    if (item.status === 'failed') {
      const error = statusError(item.error?.code ?? 0, item.error?.title ?? 'Failed', item.error?.details);
      await recordSendFailure(tx, deps, found.session, found.message.id, error, item.at);
      return true;
    }
    const updated = await advanceMessageStatus(tx, found.message.id, {
      status: item.status,
      at: item.at,
      ...(found.message.channelMessageId ? {} : { channelMessageId: item.wamid }),
    });
    if (updated) await announceMessage(tx, found.session, updated, 'message.updated');
    return true;
  });
}

const RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3 };
const STATUS = ['sending', 'sent', 'delivered', 'read'] as const;

/**
 * A status of one part of a message sent as several: kept per part, and the message moves to the least advanced
 * status of its parts once every part was accepted. A failed part fails the message; the operator's retry sends
 * the failed parts again, and only those (send-parts.ts skips parts accepted and not failed).
 */
async function applyPartStatus(
  tx: Executor,
  deps: EngineDeps,
  session: SessionRow,
  messageId: string,
  item: Omit<StatusItem, 'kind' | 'phoneNumberId'>,
) {
  const [row] = await tx.select().from(messages).where(eq(messages.id, messageId));
  if (!row) return;
  const previous = (row.metadata.partStatuses as Record<string, string> | undefined)?.[item.wamid];
  if (previous === 'failed') return;
  if (item.status !== 'failed' && (RANK[previous ?? ''] ?? 0) >= RANK[item.status]!) return;
  // One statement on the stored value: the outbox may be recording the next part at the same moment.
  const [changed] = await tx
    .update(messages)
    .set({
      metadata: sql`${messages.metadata} || jsonb_build_object('partStatuses',
        coalesce(${messages.metadata}->'partStatuses', '{}'::jsonb) || jsonb_build_object(${item.wamid}::text, ${item.status}::text))`,
    })
    .where(eq(messages.id, messageId))
    .returning();
  const metadata = changed!.metadata;
  const partStatuses = metadata.partStatuses as Record<string, string>;
  if (item.status === 'failed') {
    const error = statusError(item.error?.code ?? 0, item.error?.title ?? 'Failed', item.error?.details);
    await recordSendFailure(tx, deps, session, messageId, error, item.at);
    return;
  }
  const attachments = (metadata.attachments as Array<{ wamid?: string }> | undefined) ?? [];
  if (attachments.some((a) => !a.wamid)) return;
  const parts = partWamidsOf(metadata);
  const least = Math.min(...parts.map((w) => RANK[partStatuses[w] ?? 'sent'] ?? 1));
  // Every part is accepted: the message's own channel id is the last part's, even if the outbox's answer is late.
  const updated = await advanceMessageStatus(tx, messageId, {
    status: STATUS[least]!,
    at: item.at,
    channelMessageId: parts.at(-1)!,
  });
  if (updated) await announceMessage(tx, session, updated, 'message.updated');
  else if (changed!.status !== 'error') await announceMessage(tx, session, changed!, 'message.updated');
}

const PARK_RETRIES = 8;

/**
 * A status whose message is not known yet (the send's result not committed yet, and no callback data): parked
 * as a job and tried again with backoff (about eight minutes in all; woken at once when the outbox records the
 * wamid of a part, `wakeParkedStatuses`), then dropped as a status of a message sent
 * elsewhere (WhatsApp Manager, another app on the same number).
 */
export const applyParkedStatus = defineJob({
  name: PARKED_STATUS_JOB,
  payload: Type.Object({
    channelAccountId: Type.String(),
    wamid: Type.String(),
    status: Type.Union([
      Type.Literal('sent'),
      Type.Literal('delivered'),
      Type.Literal('read'),
      Type.Literal('failed'),
    ]),
    at: Type.String(),
    error: Type.Optional(
      Type.Object({ code: Type.Number(), title: Type.String(), details: Type.Optional(Type.String()) }),
    ),
    /** `biz_opaque_callback_data`: the message's id we sent. */
    callbackData: Type.Optional(Type.String()),
  }),
  retry: { limit: PARK_RETRIES, delaySeconds: 2, backoff: true },
  async handle(deps: EngineDeps, payload, meta) {
    const applied = await applyStatus(deps, payload.channelAccountId, {
      wamid: payload.wamid,
      status: payload.status,
      at: new Date(payload.at),
      ...(payload.error ? { error: payload.error } : {}),
      ...(payload.callbackData ? { callbackData: payload.callbackData } : {}),
    });
    if (!applied && meta.retryCount < PARK_RETRIES)
      throw new Error(`no message with wamid ${payload.wamid} yet`);
  },
});
