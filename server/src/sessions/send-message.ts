import type { Actor } from '../auth/actor.js';
import { attachOutboundFiles, checkOutboundFiles } from '../files/outbound-files.js';
import { AppError } from '../http/app-error.js';
import { announceMessage, announceSession } from './announce.js';
import { deliverMessage } from './deliver-message.js';
import { windowInputOf } from '../channels/channel-adapter.js';
import type { EngineDeps } from './engine-deps.js';
import { lockVisibleSessionWithParticipants, requireParticipant, requireState } from './session-guards.js';
import { findMessage, insertOperatorMessage } from './sessions.repo.js';
import { messageSummary } from './announce.js';

export interface SendMessageInput {
  text: string;
  quotedMessageId?: string | undefined;
  /** The composer's id for this message: sending twice (a retry after a network loss) stores it once. */
  clientMessageId?: string | undefined;
  /** Files uploaded to the session (POST /sessions/:id/files), sent with the text, in this order. */
  fileIds?: string[] | undefined;
}

/**
 * An operator's message to the customer. Checked against the channel before anything is stored: the text
 * length limit and the window policy (free text allowed now?).
 */
export async function sendMessage(
  deps: EngineDeps,
  actor: Actor,
  sessionId: string,
  input: SendMessageInput,
) {
  if (actor.kind !== 'user') throw new AppError('unprocessable', 'Messages are sent by operators');
  const text = input.text;
  if (!text.trim() && !input.fileIds?.length) throw new AppError('validation_failed', 'The message is empty');
  return deps.database.db.transaction(async (tx) => {
    // The session and its operators in one read: they check the sender and address the message's event.
    const { session, participants } = await lockVisibleSessionWithParticipants(tx, actor, sessionId);
    requireState(session, 'active');
    await requireParticipant(tx, actor, session, {}, participants);
    const adapter = deps.channels.get(session.channel);
    const length = [...text].length;
    if (length > adapter.limits.maxTextLength) {
      throw new AppError(
        'text_too_long',
        `The text is ${length} characters; ${session.channel} allows ${adapter.limits.maxTextLength}`,
        {
          limit: adapter.limits.maxTextLength,
          length,
        },
      );
    }
    const now = deps.now();
    const composer = adapter.composerState(windowInputOf(session, now));
    if (!composer.freeText)
      throw new AppError('window_closed', composer.reason ?? 'Free text cannot be sent now', {
        otherwise: composer.otherwise,
      });
    if (input.quotedMessageId && !(await findMessage(tx, session.id, input.quotedMessageId)))
      throw AppError.notFound('Quoted message');
    const attachments = await checkOutboundFiles(
      tx,
      session,
      input.fileIds ?? [],
      adapter.limits.maxAttachmentsPerMessage,
    );

    const { message, session: updated } = await insertOperatorMessage(tx, {
      tenantId: session.tenantId,
      sessionId: session.id,
      channelAccountId: session.channelAccountId,
      authorUserId: actor.id,
      text: text.trim() ? text : null,
      metadata: attachments.length ? { attachments } : {},
      quotedMessageId: input.quotedMessageId ?? null,
      clientMessageId: input.clientMessageId ?? null,
      createdAt: now,
    });
    if (!updated) return messageSummary(tx, message, participants);
    await attachOutboundFiles(tx, session, message.id, attachments);
    const delivered = await deliverMessage(tx, deps, updated, message);
    const summary = await announceMessage(tx, updated, delivered, 'message.created', participants);
    await announceSession(tx, deps, updated);
    return summary;
  });
}
