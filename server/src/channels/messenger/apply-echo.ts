import { and, eq, isNull } from 'drizzle-orm';
import { messages } from '../../db/schema.js';
import { announceMessage, announceSession } from '../../sessions/announce.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { advanceMessageStatus } from '../../sessions/message-status.js';
import { resolveContact } from '../../sessions/resolve-contact.js';
import {
  findOpenSession,
  insertMessageOnce,
  updateSession,
  type MessageRow,
} from '../../sessions/sessions.repo.js';
import type { MessengerItem } from './read-messenger-webhook.js';
import { findMessageByMid, findOwnOutbound, latestSessionOf, type PageAccountRow } from './messenger.repo.js';

type Echo = Extract<MessengerItem, { kind: 'echo' }>;

/** The metadata our sends carry: our message id, and `:n` for the n-th part of a message sent in parts. */
const OWN_METADATA = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?::(\d+))?$/i;

export type EchoOutcome =
  { outcome: 'ours' | 'duplicate' | 'ignored' } | { outcome: 'stored'; message: MessageRow };

/**
 * A message the Page sent. Our own sends are recognised by mid, or — when the echo beats the Send API's answer —
 * by the message id we put in `metadata`, which then records the mid; nothing is stored twice. Anything else was
 * typed in the Page inbox (or sent by another app): it joins the conversation as an operator message from "Page
 * inbox", so operators see everything the customer was told.
 */
export async function applyEcho(deps: EngineDeps, account: PageAccountRow, echo: Echo): Promise<EchoOutcome> {
  return deps.database.db.transaction(async (tx) => {
    if (await findMessageByMid(tx, account.id, echo.mid)) return { outcome: 'duplicate' };
    const own = echo.metadata ? OWN_METADATA.exec(echo.metadata) : null;
    const found = own ? await findOwnOutbound(tx, account.id, own[1]!) : undefined;
    if (found) {
      if ((own![2] ?? '0') === '0' && !found.message.channelMessageId) {
        const updated =
          (await advanceMessageStatus(tx, found.message.id, {
            status: 'sent',
            at: deps.now(),
            channelMessageId: echo.mid,
          })) ??
          (
            await tx
              .update(messages)
              .set({ channelMessageId: echo.mid })
              .where(and(eq(messages.id, found.message.id), isNull(messages.channelMessageId)))
              .returning()
          )[0];
        if (updated) await announceMessage(tx, found.session, updated, 'message.updated');
      }
      return { outcome: 'ours' };
    }

    const contact = await resolveContact(tx, account.tenantId, account.id, {
      identities: [{ kind: 'psid', value: echo.psid }],
    });
    const session =
      (await findOpenSession(tx, account.tenantId, contact.id, account.id)) ??
      (await latestSessionOf(tx, account.tenantId, contact.id, account.id));
    if (!session) return { outcome: 'ignored' };
    const now = deps.now();
    const { message, created } = await insertMessageOnce(tx, {
      tenantId: account.tenantId,
      sessionId: session.id,
      channelAccountId: account.id,
      direction: 'out',
      authorKind: 'page_inbox',
      text: echo.text ?? null,
      channelMessageId: echo.mid,
      status: 'sent',
      statusAt: echo.sentAt,
      metadata: {
        ...echo.extra,
        ...(echo.appId ? { appId: echo.appId } : {}),
        ...(echo.metadata !== undefined ? { echoMetadata: echo.metadata } : {}),
        ...(echo.attachments.length ? { attachments: echo.attachments } : {}),
      },
      createdAt: now,
    });
    if (!created) return { outcome: 'duplicate' };
    if (session.state !== 'ended') {
      const updated = await updateSession(tx, session.id, { lastMessageAt: now });
      await announceMessage(tx, updated, message);
      await announceSession(tx, deps, updated);
    } else {
      await announceMessage(tx, session, message);
    }
    return { outcome: 'stored', message };
  });
}
