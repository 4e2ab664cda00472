import { buffer } from 'node:stream/consumers';
import type { Executor } from '../../db/database.js';
import { checkChannelLimits } from '../../files/channel-limits.js';
import type { FileRow } from '../../files/files.repo.js';
import {
  ChannelError,
  type ChannelAdapter,
  type OutboundMessage,
  type SendContext,
} from '../channel-adapter.js';
import { openCredentials } from '../channel-accounts.repo.js';
import { callMessengerGraph, MessengerGraphError } from './call-messenger-graph.js';
import { mapMessengerError } from './map-messenger-error.js';
import { messengerRuntime } from './messenger-runtime.js';
import {
  closedReason,
  messagingTypeAt,
  messengerComposerState,
  messengerResumePolicy,
  type MessagingType,
} from './messenger-window.js';
import {
  filesOfMessage,
  findPageAccount,
  outboundContextOf,
  psidOf,
  recordPartCount,
  recordSentPart,
} from './messenger.repo.js';
import { messengerSenderAction, sendSenderAction } from './sender-action.job.js';

/** Meta: text must be UTF-8 and at most 2,000 characters. */
export const MESSENGER_MAX_TEXT = 2000;
const HOUR = 3600_000;

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'file'; file: FileRow; type: 'image' | 'audio' | 'video' | 'file' };

/** Our id in each send's `metadata`, echoed back: the first part carries the message id, later ones `id:n`. */
export const partMetadata = (messageId: string, part: number) =>
  part === 0 ? messageId : `${messageId}:${part}`;

async function recipientOf(context: SendContext) {
  const runtime = messengerRuntime();
  const account = await findPageAccount(context.tx, context.channelAccountId);
  if (!account) throw new ChannelError('no_account', 'The Facebook Page is no longer connected', false);
  const { pageAccessToken } = openCredentials(runtime.secretBox, account);
  const psid = await psidOf(context.tx, context.tenantId, context.contactId, context.channelAccountId);
  if (!psid || !pageAccessToken)
    throw new ChannelError('no_recipient', 'The contact has no Messenger id on this Page', false);
  return { runtime, psid, pageAccessToken };
}

/** Text first, then one message per file in order (Messenger takes one attachment per message). */
async function partsOf(
  db: Executor,
  context: SendContext,
  message: OutboundMessage,
  text: string | undefined,
) {
  const parts: Part[] = [];
  if (text) {
    const length = [...text].length;
    if (length > MESSENGER_MAX_TEXT)
      throw new ChannelError(
        'text_too_long',
        `The text is ${length} characters; Messenger allows ${MESSENGER_MAX_TEXT}`,
        false,
      );
    parts.push({ kind: 'text', text });
  }
  let files = await filesOfMessage(db, context.tenantId, message.messageId);
  if (message.attachments?.length) {
    const order = message.attachments.map((a) => a.fileId);
    files = order.map((id) => files.find((f) => f.id === id)).filter((f): f is FileRow => Boolean(f));
  }
  for (const file of files) {
    if (file.status !== 'stored' || !file.storageKey)
      throw new ChannelError(
        'file_unavailable',
        `The file ${file.name} is not stored and cannot be sent`,
        false,
      );
    const check = checkChannelLimits('messenger', { contentType: file.contentType, size: file.size ?? 0 });
    if (!check.ok) throw new ChannelError(check.reason, `${file.name}: ${check.message}`, false);
    parts.push({
      kind: 'file',
      file,
      type: check.kind === 'image' || check.kind === 'audio' || check.kind === 'video' ? check.kind : 'file',
    });
  }
  if (parts.length === 0) throw new ChannelError('empty', 'The message has neither text nor files', false);
  return parts;
}

async function sendPart(
  target: Awaited<ReturnType<typeof recipientOf>>,
  part: Part,
  base: MessagingType & { reply_to?: { mid: string } },
  metadata: string,
): Promise<string> {
  const { runtime, psid, pageAccessToken } = target;
  let body: Record<string, unknown> | FormData;
  if (part.kind === 'text') {
    body = { recipient: { id: psid }, ...base, message: { text: part.text, metadata } };
  } else {
    // Uploaded with the send (Meta's multipart form): no public URL of ours has to be reachable from Meta.
    const bytes = await buffer(await runtime.fileStore.get(part.file.storageKey!));
    const form = new FormData();
    form.set('recipient', JSON.stringify({ id: psid }));
    for (const [key, value] of Object.entries(base))
      form.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    form.set(
      'message',
      JSON.stringify({ attachment: { type: part.type, payload: { is_reusable: false } }, metadata }),
    );
    form.set(
      'filedata',
      new Blob([bytes], { type: part.file.contentType ?? 'application/octet-stream' }),
      part.file.name,
    );
    body = form;
  }
  const answer = await callMessengerGraph<{ message_id?: string }>(
    runtime.graph,
    pageAccessToken,
    'POST',
    'me/messages',
    body,
  );
  if (!answer.message_id)
    throw new ChannelError('no_mid', 'Messenger accepted the message without an id', true, 2_000);
  return answer.message_id;
}

const AUTOMATED_AFTER_24H =
  "More than 24 hours have passed since the customer's last message: Messenger lets only a person's replies through now (HUMAN_AGENT), not automatic messages.";

/**
 * Facebook Messenger (Send API). Not inline: the outbox calls `send` after commit and retries what is
 * retryable. Each send carries our message id as `metadata`, so its echo is recognised even when it arrives
 * before this call returned. The window decides the messaging type: RESPONSE within 24 h of the customer's last
 * message, MESSAGE_TAG + HUMAN_AGENT up to 7 days, nothing after.
 */
export const messengerAdapter: ChannelAdapter = {
  channel: 'messenger',
  inline: false,
  limits: { maxTextLength: MESSENGER_MAX_TEXT, maxAttachmentsPerMessage: 10 },
  composerState: messengerComposerState,
  resumePolicy: messengerResumePolicy,
  // Within 24 h only: after that, only a person's replies may go out (HUMAN_AGENT).
  automatedAllowed: (input) =>
    messagingTypeAt(input.lastCustomerMessageAt, input.now)?.messaging_type === 'RESPONSE',
  autoEnd: { afterMs: 168 * HOUR, warnBeforeMs: 10 * 60_000 },
  async send(context, message) {
    const target = await recipientOf(context);
    const row = await outboundContextOf(context.tx, message.messageId);
    const messagingType = messagingTypeAt(row?.lastCustomerMessageAt ?? null, target.runtime.now());
    if (!messagingType)
      throw new ChannelError('window_closed', closedReason(row?.lastCustomerMessageAt ?? null), false);
    if (messagingType.messaging_type === 'MESSAGE_TAG' && row?.message.authorKind !== 'operator')
      throw new ChannelError('window_closed', AUTOMATED_AFTER_24H, false);
    const parts = await partsOf(context.tx, context, message, message.text ?? row?.message.text ?? undefined);
    const sent = (row?.message.metadata.messengerParts as Record<string, string> | undefined) ?? {};
    const quoted = message.quotedChannelMessageId ?? row?.quotedMid ?? undefined;
    // Known before the first part leaves, so its echo does not count the message as sent on its own.
    if (parts.length > 1 && row?.message.metadata.messengerPartCount !== parts.length)
      await recordPartCount(context.tx, message.messageId, parts.length);
    let first: string | undefined;
    for (const [index, part] of parts.entries()) {
      let mid = sent[String(index)];
      if (!mid) {
        const requestedAt = target.runtime.now();
        try {
          mid = await sendPart(
            target,
            part,
            { ...messagingType, ...(index === 0 && quoted ? { reply_to: { mid: quoted } } : {}) },
            partMetadata(message.messageId, index),
          );
        } catch (error) {
          if (error instanceof MessengerGraphError) throw mapMessengerError(error);
          throw error;
        }
        if (parts.length > 1) await recordSentPart(context.tx, message.messageId, index, mid, requestedAt);
      }
      first ??= mid;
    }
    return { channelMessageId: first! };
  },
  async markRead(context, read) {
    if (!read.some((m) => m.channelMessageId)) return;
    const psid = await psidOf(context.tx, context.tenantId, context.contactId, context.channelAccountId);
    if (!psid) return;
    // `mark_seen` covers the whole thread; it leaves after this commit, as a job.
    await messengerRuntime().jobs.send(
      messengerSenderAction,
      { channelAccountId: context.channelAccountId, psid, action: 'mark_seen' },
      { tx: context.tx },
    );
  },
  async react(context, target, emoji) {
    const psid = await psidOf(context.tx, context.tenantId, context.contactId, context.channelAccountId);
    if (!psid) return;
    await messengerRuntime().jobs.send(
      messengerSenderAction,
      {
        channelAccountId: context.channelAccountId,
        psid,
        action: emoji ? 'react' : 'unreact',
        payload: emoji
          ? { message_id: target.channelMessageId, reaction: emoji }
          : { message_id: target.channelMessageId },
      },
      { tx: context.tx },
    );
  },
  async typing(context, typing) {
    // Ephemeral: a lost typing signal is harmless, so it is sent directly and its failure ignored.
    try {
      const psid = await psidOf(context.tx, context.tenantId, context.contactId, context.channelAccountId);
      if (psid)
        await sendSenderAction(
          context.tx,
          context.channelAccountId,
          psid,
          typing ? 'typing_on' : 'typing_off',
        );
    } catch {
      // The customer simply does not see "typing…".
    }
  },
};
