import type { Actor } from '../auth/actor.js';
import { attachOutboundFiles, checkOutboundFiles } from '../files/outbound-files.js';
import type { FileAttachment } from '../files/message-attachments.js';
import { AppError } from '../http/app-error.js';
import { announceMessage, announceSessionAfterReply } from './announce.js';
import { deliverMessage } from './deliver-message.js';
import { windowInputOf } from '../channels/channel-adapter.js';
import type { EngineDeps } from './engine-deps.js';
import { eachInTurn } from '../lib/group-commit.js';
import type { Executor } from '../db/database.js';
import type { MessageSummary } from '../realtime/event-map.js';
import { lockVisibleSessionWithParticipants, requireParticipant, requireState } from './session-guards.js';
import { findMessage, type MessageRow, type SessionRow } from './sessions.repo.js';
import { lockSessionsWithParticipants, type LockedSession } from './session-locks.js';
import {
  insertOperatorMessage,
  insertOperatorMessages,
  type OperatorMessage,
} from './message-with-session.js';
import { messageSummary } from './announce.js';

export interface SendMessageInput {
  text: string;
  quotedMessageId?: string | undefined;
  /** The composer's id for this message: sending twice (a retry after a network loss) stores it once. */
  clientMessageId?: string | undefined;
  /** Files uploaded to the session (POST /sessions/:id/files), sent with the text, in this order. */
  fileIds?: string[] | undefined;
}

/** One operator's message, as `sendMessage` was given it. */
export interface OperatorSend {
  actor: Actor;
  sessionId: string;
  input: SendMessageInput;
}

/**
 * An operator's message to the customer. Checked against the channel before anything is stored: the text
 * length limit and the window policy (free text allowed now?). Messages that operators send while others are
 * being stored are stored together, in one transaction (`storeSends`).
 */
export async function sendMessage(
  deps: EngineDeps,
  actor: Actor,
  sessionId: string,
  input: SendMessageInput,
): Promise<MessageSummary> {
  if (actor.kind !== 'user') throw new AppError('unprocessable', 'Messages are sent by operators');
  if (!input.text.trim() && !input.fileIds?.length)
    throw new AppError('validation_failed', 'The message is empty');
  return deps.replies.submit({ actor, sessionId, input });
}

/**
 * Stores operators' messages that arrived together in one transaction, in session order (so that two groups lock
 * sessions the same way round; one session's messages keep the order they came in), each exactly as it would be
 * stored alone. If any of them is refused or fails, nothing of the group is kept and each is stored again in a
 * transaction of its own, so that a refusal (a closed window, a session that ended) is that message's alone.
 */
export async function storeSends(
  deps: EngineDeps,
  sends: OperatorSend[],
): Promise<PromiseSettledResult<MessageSummary>[]> {
  if (sends.length > 1) {
    const order = sends
      .map((send, index) => ({ send, index }))
      .sort((a, b) =>
        a.send.sessionId < b.send.sessionId ? -1 : a.send.sessionId > b.send.sessionId ? 1 : 0,
      );
    try {
      const stored = await deps.database.db.transaction(async (tx) => {
        // Every session of the group locked, with its operators, in one statement rather than one each.
        const locked = await lockSessionsWithParticipants(
          tx,
          [...new Set(sends.map((send) => send.actor.tenantId))],
          [...new Set(sends.map((send) => send.sessionId))],
        );
        // Each checked as it would be alone, in session order; then all inserted in one statement.
        const checked: Checked[] = [];
        for (const { send } of order) checked.push(await checkSend(tx, deps, send, locked));
        const inserted = await insertOperatorMessages(
          tx,
          checked.map((one) => one.row),
        );
        const summaries: MessageSummary[] = new Array(sends.length);
        for (const [k, { index }] of order.entries())
          summaries[index] = await finishSend(tx, deps, checked[k]!, inserted[k]!);
        return summaries;
      });
      return stored.map((value) => ({ status: 'fulfilled', value }));
    } catch {
      // Each on its own, below.
    }
  }
  // One after another, in the order they came: one session's messages keep it.
  return eachInTurn(sends, (send) => deps.database.db.transaction((tx) => sendInTransaction(tx, deps, send)));
}

async function sendInTransaction(
  tx: Executor,
  deps: EngineDeps,
  send: OperatorSend,
): Promise<MessageSummary> {
  const checked = await checkSend(tx, deps, send);
  return finishSend(tx, deps, checked, await insertOperatorMessage(tx, checked.row));
}

/** A send found allowed, and the message row it stores. */
interface Checked {
  row: OperatorMessage;
  session: SessionRow;
  participants: LockedSession['participants'];
  attachments: FileAttachment[];
}

/**
 * Checks a send against its session and channel: the sender takes part in an active session, the text's length,
 * the channel's window, the quoted message and the files. Answers the message to store.
 */
async function checkSend(
  tx: Executor,
  deps: EngineDeps,
  { actor, sessionId, input }: OperatorSend,
  /** The group's sessions, locked by this transaction already. */
  locked?: Map<string, LockedSession>,
): Promise<Checked> {
  const text = input.text;
  // The session and its operators in one read: they check the sender and address the message's event.
  const { session, participants } = await lockVisibleSessionWithParticipants(tx, actor, sessionId, locked);
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
  const row: OperatorMessage = {
    tenantId: session.tenantId,
    sessionId: session.id,
    channelAccountId: session.channelAccountId,
    authorUserId: actor.id,
    text: text.trim() ? text : null,
    metadata: attachments.length ? { attachments } : {},
    quotedMessageId: input.quotedMessageId ?? null,
    clientMessageId: input.clientMessageId ?? null,
    createdAt: now,
  };
  return { row, session, participants, attachments };
}

/** What follows a stored send: its files attached, the outbox or the channel, and the events for operators. */
async function finishSend(
  tx: Executor,
  deps: EngineDeps,
  { session, participants, attachments }: Checked,
  { message, session: updated }: { message: MessageRow; session?: SessionRow },
): Promise<MessageSummary> {
  // A repeated send: the message stored first, announced before.
  if (!updated) return messageSummary(tx, message, participants);
  await attachOutboundFiles(tx, session, message.id, attachments);
  const delivered = await deliverMessage(tx, deps, updated, message);
  const summary = await announceMessage(tx, updated, delivered, 'message.created', participants);
  await announceSessionAfterReply(tx, deps, updated);
  return summary;
}
