import { and, eq, lte } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import { messages } from '../db/schema.js';
import { AppError } from '../http/app-error.js';
import { announceMessage } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { lockVisibleSession, requireParticipant } from './session-guards.js';
import { findMessage } from './sessions.repo.js';

/**
 * The operator has seen the customer's messages up to this one: they become read, and the channel is told
 * (web chat shows it to the customer; WhatsApp and Messenger get their read receipts).
 */
export async function markRead(deps: EngineDeps, actor: Actor, sessionId: string, upToMessageId: string) {
  return deps.database.db.transaction(async (tx) => {
    const session = await lockVisibleSession(tx, actor, sessionId);
    await requireParticipant(tx, actor, session, { orSupervisor: true });
    const upTo = await findMessage(tx, session.id, upToMessageId);
    if (!upTo) throw AppError.notFound('Message');
    const read = await tx
      .update(messages)
      .set({ status: 'read', statusAt: deps.now() })
      .where(
        and(
          eq(messages.sessionId, session.id),
          eq(messages.direction, 'in'),
          eq(messages.status, 'received'),
          lte(messages.createdAt, upTo.createdAt),
        ),
      )
      .returning();
    if (read.length === 0) return { read: 0 };
    const adapter = deps.channels.get(session.channel);
    await adapter.markRead?.(
      {
        tx,
        tenantId: session.tenantId,
        channelAccountId: session.channelAccountId,
        sessionId: session.id,
        contactId: session.contactId,
      },
      read.map((m) => ({ messageId: m.id, channelMessageId: m.channelMessageId })),
    );
    for (const message of read) await announceMessage(tx, session, message, 'message.updated');
    return { read: read.length };
  });
}
