import { and, desc, eq, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { messages, sessions, type webchatVisitors } from '../../db/schema.js';
import { attachFiles, type FileRow } from '../../files/files.repo.js';
import { announceFileChange, attachmentOf } from '../../files/message-attachments.js';
import { AppError } from '../../http/app-error.js';
import { rooms } from '../../realtime/event-map.js';
import { recordEvent } from '../../realtime/record-event.js';
import { publishEphemeral } from '../../realtime/publish-ephemeral.js';
import { lockTenantRouting } from '../../routing/routing-lock.js';
import { announceMessage, recordTimeline, sessionRooms } from '../../sessions/announce.js';
import { closeSession } from '../../sessions/close-session.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { advanceMessageStatus } from '../../sessions/message-status.js';
import { receiveInbound } from '../../sessions/receive-inbound.js';
import { findOpenSession, lockSession } from '../../sessions/sessions.repo.js';
import { WEBCHAT_MAX_TEXT } from './webchat-adapter.js';
import { toVisitorMessage, visitorFileOf, visitorMessage, visitorsOfContact } from './webchat.repo.js';

type Visitor = typeof webchatVisitors.$inferSelect;

/**
 * A message typed in the widget. The widget's own id makes it idempotent: sending again after a lost connection
 * or a reload stores it once. The customer's other tabs see it too.
 */
export async function sendCustomerMessage(
  deps: EngineDeps,
  visitor: Visitor,
  input: {
    clientMessageId: string;
    text?: string | undefined;
    pageUrl?: string | undefined;
    /** Files stored for this message (see send-customer-files.ts); they join it when it is stored. */
    files?: FileRow[];
  },
) {
  const text = input.text ?? '';
  const files = input.files ?? [];
  const length = [...text].length;
  if (length > WEBCHAT_MAX_TEXT) {
    throw new AppError(
      'text_too_long',
      `The message is ${length} characters; the limit is ${WEBCHAT_MAX_TEXT}`,
      { limit: WEBCHAT_MAX_TEXT, length },
    );
  }
  if (!text.trim() && files.length === 0) throw new AppError('validation_failed', 'The message is empty');
  const result = await receiveInbound(deps, {
    tenantId: visitor.tenantId,
    channel: 'webchat',
    channelAccountId: visitor.channelAccountId,
    customer: { identities: [{ kind: 'webchat_visitor', value: visitor.id }] },
    event: {
      kind: 'message',
      clientMessageId: input.clientMessageId,
      channelMessageId: `${visitor.id}:${input.clientMessageId}`,
      ...(text.trim() ? { text } : {}),
      ...(files.length ? { attachments: files.map(attachmentOf) } : {}),
      sentAt: deps.now(),
      metadata: { clientMessageId: input.clientMessageId },
    },
    ...(input.pageUrl ? { sourceUrl: input.pageUrl } : {}),
  });
  if (result.outcome === 'blacklisted') throw new AppError('forbidden', 'This chat is not available');
  if (result.outcome !== 'stored' && result.outcome !== 'duplicate')
    throw new Error('unexpected inbound outcome');
  if (result.outcome === 'duplicate') {
    const existing = await visitorMessage(deps.database.db, result.message.id);
    return {
      message: {
        ...(existing ?? toVisitorMessage(result.message, null)),
        clientMessageId: input.clientMessageId,
      },
      sessionId: result.session.id,
      duplicate: true,
    };
  }
  const view = await deps.database.db.transaction(async (tx) => {
    const session = result.session;
    const attached = await attachFiles(
      tx,
      visitor.tenantId,
      { sessionId: session.id, messageId: result.message.id },
      files.map((f) => f.id),
    );
    const stored = {
      ...toVisitorMessage(result.message, null, attached.map(visitorFileOf)),
      clientMessageId: input.clientMessageId,
    };
    const targets = (await visitorsOfContact(tx, visitor.channelAccountId, visitor.contactId)).map((v) =>
      rooms.visitor(v.id),
    );
    await recordEvent(tx, visitor.tenantId, 'visitor.message', targets, stored);
    // A preview made before its file joined the message was announced to no one: announce it now.
    for (const file of attached) {
      const thumbnail = visitorFileOf(file).thumbnail;
      if (thumbnail) await announceFileChange(tx, file, { thumbnail });
    }
    return stored;
  });
  return { message: view, sessionId: result.session.id, duplicate: false };
}

async function openSessionOf(tx: Executor, visitor: Visitor) {
  return findOpenSession(tx, visitor.tenantId, visitor.contactId, visitor.channelAccountId);
}

/** The widget received or showed the operator's messages up to this one: they become delivered or read. */
export async function recordReceipt(
  deps: EngineDeps,
  visitor: Visitor,
  input: { status: 'delivered' | 'read'; upToMessageId: string },
) {
  return deps.database.db.transaction(async (tx) => {
    const session = await openSessionOf(tx, visitor);
    if (!session) return { updated: 0 };
    const [upTo] = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.sessionId, session.id), eq(messages.id, input.upToMessageId)));
    if (!upTo) throw AppError.notFound('Message');
    const candidates = await tx
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.sessionId, session.id),
          eq(messages.direction, 'out'),
          lte(messages.createdAt, upTo.createdAt),
          sql`${messages.status} IN ('sent', 'delivered')`,
        ),
      );
    let updated = 0;
    for (const message of candidates) {
      const changed = await advanceMessageStatus(tx, message.id, { status: input.status, at: deps.now() });
      if (changed) {
        updated++;
        await announceMessage(tx, session, changed, 'message.updated');
      }
    }
    return { updated };
  });
}

export async function customerTyping(deps: EngineDeps, visitor: Visitor, typing: boolean) {
  const session = await openSessionOf(deps.database.db, visitor);
  if (!session) return;
  await publishEphemeral(
    deps.database.db,
    visitor.tenantId,
    'typing',
    await sessionRooms(deps.database.db, session),
    {
      sessionId: session.id,
      who: 'customer',
      name: null,
      typing,
    },
  );
}

/** The customer closes the chat from the widget. */
export async function endChatByCustomer(deps: EngineDeps, visitor: Visitor) {
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, visitor.tenantId);
    const open = await openSessionOf(tx, visitor);
    if (!open) throw new AppError('session_state', 'There is no open chat');
    const session = (await lockSession(tx, visitor.tenantId, open.id))!;
    await closeSession(tx, deps, session, { endedBy: 'customer', reason: 'customer', notifyCustomer: false });
    return { sessionId: session.id };
  });
}

/** Stars (1–5) and a comment for the chat that just ended. */
export async function rateChat(
  deps: EngineDeps,
  visitor: Visitor,
  input: { stars: number; comment?: string | undefined },
) {
  return deps.database.db.transaction(async (tx) => {
    const [session] = await tx
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.contactId, visitor.contactId),
          eq(sessions.channelAccountId, visitor.channelAccountId),
        ),
      )
      .orderBy(desc(sessions.createdAt))
      .limit(1);
    if (!session || session.state !== 'ended')
      throw new AppError('session_state', 'Only an ended chat can be rated');
    if (session.rating !== null) throw new AppError('conflict', 'This chat has been rated already');
    const [rated] = await tx
      .update(sessions)
      .set({ rating: input.stars, ratingComment: input.comment ?? null })
      .where(eq(sessions.id, session.id))
      .returning();
    await recordTimeline(tx, rated!, {
      type: 'rated',
      actorKind: 'customer',
      data: { stars: input.stars },
      at: deps.now(),
    });
    return { sessionId: session.id, rating: input.stars };
  });
}
