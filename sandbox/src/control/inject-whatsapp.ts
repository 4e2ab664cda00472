import type { SandboxContext } from '../context.js';
import { newWamid } from '../ids.js';
import type { WhatsAppCustomer } from '../state/customers.js';
import { mediaLifetimes } from '../state/media-store.js';
import type { WhatsAppEvent } from '../webhooks/payloads.js';
import { placeholderFile } from './placeholder-files.js';

/**
 * An inbound WhatsApp message to inject. Besides the keys below, every field is copied into the webhook's
 * `messages[]` entry as given (`type` and its payload object, `referral`, `context`, `errors`…), so any type of
 * Meta's table can be sent; media without an `id` get a generated one with sha256 and a download URL.
 */
export interface WhatsAppInboundInput {
  /** wa_id, phone or BSUID of a simulated customer. */
  from: string;
  type: string;
  phone_number_id?: string;
  /** Reuse a wamid (to simulate a duplicate). */
  id?: string;
  /** Unix seconds; defaults to the sandbox clock. */
  timestamp?: number;
  /** Quote this wamid (sets `context{from,id}`). */
  reply_to?: string;
  /** Bytes for a media message. */
  file?: { filename?: string; mime_type?: string; base64: string };
  /** Meta could not fetch the customer's media: no id, plus `errors[]` 131052. */
  media_error?: boolean;
  /** Include `url` in media objects (webhooks carry it since Nov 2025); default true. */
  include_url?: boolean;
  [key: string]: unknown;
}

const mediaTypes = ['image', 'video', 'audio', 'document', 'sticker'];

function summary(type: string, message: Record<string, unknown>): string {
  const payload = (message[type] ?? {}) as Record<string, unknown>;
  if (type === 'text') return String(payload.body ?? '');
  if (type === 'reaction') return String(payload.emoji ?? '');
  if (type === 'interactive') {
    const reply = (payload.button_reply ?? payload.list_reply ?? payload.nfm_reply ?? {}) as Record<
      string,
      unknown
    >;
    return String(reply.title ?? reply.body ?? '[interactive]');
  }
  if (type === 'button') return String(payload.text ?? '');
  if (type === 'location')
    return `📍 ${String(payload.name ?? '')} ${String(payload.latitude)},${String(payload.longitude)}`.trim();
  if (mediaTypes.includes(type)) return String(payload.caption ?? '');
  return `[${type}]`;
}

/** Builds, records and delivers an inbound WhatsApp message; resets the customer-service window. */
export async function injectWhatsAppMessage(ctx: SandboxContext, input: WhatsAppInboundInput) {
  const { from, phone_number_id, id, timestamp, reply_to, file, media_error, include_url, ...rest } = input;
  const customer = ctx.customers.findWhatsApp(from);
  if (!customer) throw new Error(`no WhatsApp customer ${from}`);
  const number = phone_number_id
    ? ctx.options.numbers.find((n) => n.phoneNumberId === phone_number_id)
    : ctx.options.numbers[0];
  if (!number) throw new Error('no such WhatsApp business number');
  const now = timestamp !== undefined ? timestamp * 1000 : ctx.clock.now();
  const type = input.type;
  const message: Record<string, unknown> = {};
  if (customer.waId) message.from = customer.phone ?? customer.waId;
  if (customer.bsuid) message.from_user_id = customer.bsuid;
  message.id = id ?? newWamid(customer.waId ?? customer.key);
  message.timestamp = String(Math.floor(now / 1000));
  Object.assign(message, rest);
  if (reply_to) {
    const quoted = ctx.messages.get(reply_to);
    const from = quoted?.direction === 'inbound' ? (customer.waId ?? '') : number.displayPhoneNumber;
    message.context = { from, id: reply_to };
  }
  let mediaUrl: string | undefined;
  let mediaMime: string | undefined;
  if (mediaTypes.includes(type)) {
    const payload = { ...((message[type] ?? {}) as Record<string, unknown>) };
    if (media_error) {
      message.errors = [
        {
          code: 131052,
          title: 'Media download failed: Not retrying as download is not retriable at this time',
          message: 'Media download failed: Not retrying as download is not retriable at this time',
          error_data: { details: 'Unable to download the media sent by the user.' },
        },
      ];
    } else if (payload.id === undefined) {
      const fallback = placeholderFile(type, payload.voice === true);
      const mimeType =
        file?.mime_type ?? (typeof payload.mime_type === 'string' ? payload.mime_type : fallback.mimeType);
      const media = ctx.media.add({
        product: 'whatsapp',
        owner: number.phoneNumberId,
        mimeType,
        filename:
          file?.filename ?? (typeof payload.filename === 'string' ? payload.filename : fallback.filename),
        data: file ? Buffer.from(file.base64, 'base64') : fallback.data,
        expiresAt: now + mediaLifetimes.whatsappInbound,
      });
      Object.assign(payload, { mime_type: mimeType, sha256: media.sha256, id: media.id });
      if (type === 'document') payload.filename = media.filename;
      if (type === 'sticker' && payload.animated === undefined) payload.animated = false;
      if (include_url !== false)
        payload.url = ctx.media.whatsappUrl(ctx.baseUrl(), media.id, ctx.clock.now());
      mediaUrl = ctx.media.cdnUrl(ctx.baseUrl(), media.id, ctx.clock.now(), media.filename);
      mediaMime = mimeType;
    }
    message[type] = payload;
  }
  if (type === 'unsupported' && message.errors === undefined) {
    message.unsupported ??= { type: 'poll' };
    message.errors = [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ];
  }
  record(ctx, number.phoneNumberId, customer, message, type, now, mediaUrl, mediaMime, reply_to);
  const event: WhatsAppEvent = {
    product: 'whatsapp',
    phoneNumberId: number.phoneNumberId,
    value: { contacts: [contactOf(customer)], messages: [message] },
  };
  await ctx.emitter.emit([event]);
  return { id: message.id as string, message };
}

/** The `contacts[]` entry Meta puts beside messages. */
export function contactOf(customer: WhatsAppCustomer): Record<string, unknown> {
  const profile: Record<string, string> = { name: customer.name };
  if (customer.username) profile.username = customer.username;
  const contact: Record<string, unknown> = { profile };
  if (customer.waId) contact.wa_id = customer.waId;
  if (customer.bsuid) contact.user_id = customer.bsuid;
  return contact;
}

function record(
  ctx: SandboxContext,
  phoneNumberId: string,
  customer: WhatsAppCustomer,
  message: Record<string, unknown>,
  type: string,
  at: number,
  mediaUrl: string | undefined,
  mimeType: string | undefined,
  replyTo: string | undefined,
): void {
  if (type !== 'system')
    customer.lastMessageAt.set(phoneNumberId, Math.max(at, customer.lastMessageAt.get(phoneNumberId) ?? 0));
  if (type === 'reaction') {
    const reaction = message.reaction as { message_id?: string; emoji?: string };
    const target = reaction.message_id ? ctx.messages.get(reaction.message_id) : undefined;
    if (target) target.reactions.customer = reaction.emoji || undefined;
    return;
  }
  if (ctx.messages.get(message.id as string)) return;
  ctx.messages.add({
    id: message.id as string,
    product: 'whatsapp',
    account: phoneNumberId,
    customer: customer.key,
    direction: 'inbound',
    type,
    text: summary(type, message),
    mediaUrl,
    mimeType,
    filename: ((message.document ?? {}) as { filename?: string }).filename,
    replyTo,
    status: 'delivered',
    at,
  });
}
