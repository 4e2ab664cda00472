import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
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
import {
  findMessageByMid,
  findOwnOutbound,
  latestSessionOf,
  partsOfMessage,
  recordSentPart,
  type PageAccountRow,
} from './messenger.repo.js';

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
      const updated = await applyOwnEcho(tx, deps, found.message, Number(own![2] ?? '0'), echo);
      if (updated) await announceMessage(tx, found.session, updated, 'message.updated');
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

/**
 * The echo of one of our sends: part `part` of the message went out as `mid`. The first part's mid names the
 * message; a message sent in parts (text, then one per file) is sent only once every part is, so its status is
 * that of its least advanced part. Returns the message when it changed.
 */
async function applyOwnEcho(
  tx: Executor,
  deps: EngineDeps,
  message: MessageRow,
  part: number,
  echo: { mid: string; sentAt: Date },
): Promise<MessageRow | undefined> {
  const { mid } = echo;
  const inParts = partsOfMessage(message.metadata).count > 1;
  if (!inParts && (part !== 0 || message.channelMessageId)) return undefined;
  // The echo may beat the send's answer: its part is recorded here as the send would record it.
  const recorded = inParts ? await recordSentPart(tx, message.id, part, mid, echo.sentAt) : undefined;
  const parts = partsOfMessage((recorded ?? message).metadata);
  const firstMid = inParts ? parts.mids['0'] : mid;
  if (!firstMid) return recorded;
  if (parts.allSent) {
    const sent = await advanceMessageStatus(tx, message.id, {
      status: 'sent',
      at: deps.now(),
      channelMessageId: firstMid,
    });
    if (sent) return sent;
  }
  if ((recorded ?? message).channelMessageId) return recorded;
  const [named] = await tx
    .update(messages)
    .set({ channelMessageId: firstMid })
    .where(and(eq(messages.id, message.id), isNull(messages.channelMessageId)))
    .returning();
  return named ?? recorded;
}
