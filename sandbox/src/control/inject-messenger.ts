import type { SandboxContext } from '../context.js';
import { newMid } from '../ids.js';
import { mediaLifetimes } from '../state/media-store.js';
import type { MessengerEvent } from '../webhooks/payloads.js';
import { placeholderFile } from './placeholder-files.js';

export interface MessengerAttachmentInput {
  /** image, audio, video, file, sticker, fallback, gif (an image with a .gif URL), reel, template… */
  type: string;
  /** Use this URL instead of a generated CDN one. */
  url?: string;
  file?: { filename?: string; mime_type?: string; base64: string };
  /** `fallback` without payload (shared link with nothing to show). */
  no_payload?: boolean;
  title?: string;
  sticker_id?: number;
}

/**
 * An event from a Messenger customer. `kind` picks the webhook event; `message` (default) takes text,
 * quick_reply, reply_to and attachments; the others take their payload object as Meta names it.
 */
export interface MessengerInboundInput {
  psid: string;
  page_id?: string;
  kind?: 'message' | 'postback' | 'reaction' | 'message_edit' | 'referral' | 'optin' | 'echo';
  mid?: string;
  /** Epoch ms; defaults to the sandbox clock. */
  timestamp?: number;
  /** Deliver under `standby` (another app owns the thread). */
  standby?: boolean;
  text?: string;
  quick_reply?: { payload: string };
  /** mid of the quoted message. */
  reply_to?: string;
  attachments?: MessengerAttachmentInput[];
  /** A sticker as Meta sends it during the 2026 transition: `sticker` + legacy `image`; true = the Like sticker. */
  sticker?: boolean | number;
  postback?: { title: string; payload: string; referral?: Record<string, unknown> };
  reaction?: { reaction?: string; emoji?: string; action: 'react' | 'unreact'; mid: string };
  message_edit?: { mid: string; text: string; num_edit?: number };
  referral?: Record<string, unknown>;
  /** A message the Page sent from elsewhere (Page inbox): defaults to the Page-inbox app id. */
  echo?: { text?: string; app_id?: number; metadata?: string };
}

const likeSticker = 369239263222822;

/** Builds and delivers an inbound Messenger event; messages and postbacks reset the 24 h window. */
export async function injectMessengerEvent(ctx: SandboxContext, input: MessengerInboundInput) {
  const customer = ctx.customers.findMessenger(input.psid);
  if (!customer) throw new Error(`no Messenger customer ${input.psid}`);
  const pageId = input.page_id ?? customer.pageId;
  const at = input.timestamp ?? ctx.clock.now();
  const kind = input.kind ?? 'message';
  const mid = input.mid ?? newMid();
  const base = { sender: { id: customer.psid }, recipient: { id: pageId }, timestamp: at };
  let event: Record<string, unknown>;
  let summary = '';
  let mediaUrl: string | undefined;
  if (kind === 'message') {
    const message: Record<string, unknown> = { mid };
    if (input.text !== undefined) message.text = input.text;
    if (input.quick_reply) message.quick_reply = input.quick_reply;
    if (input.reply_to) message.reply_to = { mid: input.reply_to, is_self_reply: false };
    const attachments = (input.attachments ?? []).map((a) => attachmentOf(ctx, pageId, a, at));
    if (input.sticker) {
      const stickerId = typeof input.sticker === 'number' ? input.sticker : likeSticker;
      const url = attachmentOf(ctx, pageId, { type: 'sticker' }, at).payload!.url;
      message.sticker_id = stickerId;
      attachments.push({ type: 'sticker', payload: { url, sticker_id: stickerId } });
      attachments.push({ type: 'image', payload: { url, sticker_id: stickerId } });
    }
    if (attachments.length > 0) message.attachments = attachments;
    event = { ...base, message };
    summary = input.text ?? (input.sticker ? '👍' : '');
    mediaUrl = attachments[0]?.payload?.url;
  } else if (kind === 'echo') {
    const echo = input.echo ?? {};
    event = {
      sender: { id: pageId },
      recipient: { id: customer.psid },
      timestamp: at,
      message: {
        is_echo: true,
        app_id: echo.app_id ?? 263902037430900,
        ...(echo.metadata !== undefined ? { metadata: echo.metadata } : {}),
        mid,
        text: echo.text ?? '',
      },
    };
  } else if (kind === 'postback') {
    event = { ...base, postback: { mid, ...input.postback } };
    summary = input.postback?.title ?? '';
  } else if (kind === 'reaction') {
    event = { ...base, reaction: input.reaction };
    const target = input.reaction ? ctx.messages.get(input.reaction.mid) : undefined;
    if (target)
      target.reactions.customer = input.reaction?.action === 'react' ? input.reaction.emoji : undefined;
  } else if (kind === 'message_edit') {
    event = { ...base, message_edit: { num_edit: 1, ...input.message_edit } };
    const target = input.message_edit ? ctx.messages.get(input.message_edit.mid) : undefined;
    if (target && input.message_edit) target.text = input.message_edit.text;
  } else if (kind === 'referral') {
    event = {
      ...base,
      referral: input.referral ?? { ref: 'sandbox', source: 'SHORTLINK', type: 'OPEN_THREAD' },
    };
  } else {
    event = { ...base, optin: { type: 'notification_messages', payload: 'sandbox' } };
  }
  if (kind === 'message' || kind === 'postback' || kind === 'referral') {
    customer.lastMessageAt = Math.max(at, customer.lastMessageAt ?? 0);
  }
  if ((kind === 'message' || kind === 'echo' || kind === 'postback') && !ctx.messages.get(mid)) {
    ctx.messages.add({
      id: mid,
      product: 'messenger',
      account: pageId,
      customer: customer.psid,
      direction: kind === 'echo' ? 'outbound' : 'inbound',
      type:
        kind === 'message' ? (input.attachments?.[0]?.type ?? (input.sticker ? 'sticker' : 'text')) : kind,
      text: kind === 'echo' ? (input.echo?.text ?? '') : summary,
      mediaUrl,
      replyTo: input.reply_to,
      status: kind === 'echo' ? 'sent' : 'delivered',
      at,
    });
  }
  const webhook: MessengerEvent = { product: 'messenger', pageId, event, standby: input.standby };
  await ctx.emitter.emit([webhook]);
  return { mid, event };
}

function attachmentOf(
  ctx: SandboxContext,
  pageId: string,
  input: MessengerAttachmentInput,
  at: number,
): { type: string; payload?: Record<string, unknown> & { url?: string } } {
  const type = input.type === 'gif' ? 'image' : input.type;
  if (input.no_payload) return { type };
  const payload: Record<string, unknown> & { url?: string } = {};
  if (input.title) payload.title = input.title;
  if (input.sticker_id) payload.sticker_id = input.sticker_id;
  if (input.url) {
    payload.url = input.url;
  } else {
    const fallback = placeholderFile(input.type === 'file' ? 'document' : input.type);
    const media = ctx.media.add({
      product: 'messenger',
      owner: pageId,
      mimeType: input.file?.mime_type ?? fallback.mimeType,
      filename: input.file?.filename ?? fallback.filename,
      data: input.file ? Buffer.from(input.file.base64, 'base64') : fallback.data,
      expiresAt: at + mediaLifetimes.cdnUrl,
    });
    payload.url = ctx.media.cdnUrl(ctx.baseUrl(), media.id, at, media.filename);
  }
  return { type, payload };
}
