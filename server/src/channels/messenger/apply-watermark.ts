import { and, eq, lte, sql } from 'drizzle-orm';
import { messages, sessions } from '../../db/schema.js';
import { announceMessage } from '../../sessions/announce.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { advanceMessageStatus } from '../../sessions/message-status.js';
import { resolveContact } from '../../sessions/resolve-contact.js';
import { partsOfMessage, type PageAccountRow } from './messenger.repo.js';

/**
 * A Messenger `delivery` or `read` watermark: every message the Page sent to this customer up to `upTo` reached
 * them (or was seen). A message that went out in parts (text, then one Messenger message per file) is covered
 * only when all its parts are — each was sent, the last one no later than the watermark — so its status is that
 * of its least advanced part. Messenger's own rule beside the engine's watermark, which knows nothing of parts.
 */
export async function applyMessengerWatermark(
  deps: EngineDeps,
  account: PageAccountRow,
  input: { psid: string; status: 'delivered' | 'read'; upTo: Date },
): Promise<'updated' | 'ignored'> {
  return deps.database.db.transaction(async (tx) => {
    const contact = await resolveContact(tx, account.tenantId, account.id, {
      identities: [{ kind: 'psid', value: input.psid }],
    });
    const candidates = await tx
      .select({ message: messages, session: sessions })
      .from(messages)
      .innerJoin(sessions, eq(sessions.id, messages.sessionId))
      .where(
        and(
          eq(sessions.contactId, contact.id),
          eq(messages.channelAccountId, account.id),
          eq(messages.direction, 'out'),
          lte(messages.createdAt, input.upTo),
          sql`${messages.status} IN ('sent', 'delivered', 'sending')`,
        ),
      );
    let changed = 0;
    for (const { message, session } of candidates) {
      const parts = partsOfMessage(message.metadata);
      if (parts.count > 1 && (!parts.allSent || !parts.lastAt || parts.lastAt > input.upTo)) continue;
      const updated = await advanceMessageStatus(tx, message.id, { status: input.status, at: deps.now() });
      if (updated) {
        changed++;
        await announceMessage(tx, session, updated, 'message.updated');
      }
    }
    return changed ? 'updated' : 'ignored';
  });
}
