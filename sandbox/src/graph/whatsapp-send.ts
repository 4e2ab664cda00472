import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { newWamid } from '../ids.js';
import type { WhatsAppCustomer } from '../state/customers.js';
import type { StoredMessage } from '../state/messages.js';
import { advanceStatus, followingStatuses, statusEvent } from '../webhooks/whatsapp-statuses.js';
import { graphError, type GraphError } from './graph-error.js';
import { afterResponse } from './request-hooks.js';
import { stopTyping } from './whatsapp-mark-read.js';
import { fetchLink, linkFailureDetails } from './fetch-link.js';
import { mediaLifetimes } from '../state/media-store.js';
import { mediaFits, validateWhatsAppSend, type OutboundContent } from './whatsapp-validate.js';

const windowMs = 24 * 3600_000;

/** Whether the customer-service window with this number is open (the customer wrote within 24 h). */
export function whatsappWindowOpen(
  ctx: SandboxContext,
  customer: WhatsAppCustomer | undefined,
  phoneNumberId: string,
) {
  const last = customer?.lastMessageAt.get(phoneNumberId);
  return last !== undefined && ctx.clock.now() - last <= windowMs;
}

/** The failure Meta reports asynchronously for this recipient and content, if any. */
function recipientFailure(
  customer: WhatsAppCustomer | undefined,
  content: OutboundContent,
): GraphError | undefined {
  if (!customer || customer.state === 'not-on-whatsapp') return graphError('whatsapp', 131026);
  if (customer.state === 'blocked-by-business') return graphError('whatsapp', 130403);
  if (customer.state === 'experiment') return graphError('whatsapp', 130472);
  if (customer.state === 'opted-out-marketing' && content.template?.category === 'MARKETING') {
    return graphError('whatsapp', 131050);
  }
  if (content.mediaMismatch) return graphError('whatsapp', 131053);
  return undefined;
}

/**
 * `POST /{version}/{phone-number-id}/messages` for a message (not a read receipt): checks, stores, answers with
 * Meta's body and schedules the status webhooks.
 */
export async function sendWhatsAppMessage(
  ctx: SandboxContext,
  request: FastifyRequest,
  phoneNumberId: string,
  body: Record<string, unknown>,
) {
  const to = typeof body.to === 'string' ? body.to : undefined;
  const recipient = typeof body.recipient === 'string' ? body.recipient : undefined;
  if (!to && !recipient) throw graphError('whatsapp', 100, { details: 'The parameter to is required.' });
  const content = validateWhatsAppSend(ctx, phoneNumberId, body);
  const handle = (to ?? recipient)!;
  const number = ctx.options.numbers.find((n) => n.phoneNumberId === phoneNumberId)!;
  if (handle.replace(/\D/g, '') === number.displayPhoneNumber) {
    throw graphError('whatsapp', 131021, { details: 'Sender and recipient phone number is the same.' });
  }
  const customer = to ? ctx.customers.findWhatsApp(to) : ctx.customers.findWhatsApp(recipient!);

  const forced = ctx.failures.take('whatsapp', [handle, customer?.waId, customer?.phone, customer?.bsuid]);
  if (forced?.mode === 'sync') {
    throw graphError('whatsapp', forced.code, { httpStatus: forced.httpStatus, details: forced.details });
  }
  const now = ctx.clock.now();
  const mps = Math.max(1, number.throughputMps);
  if (!ctx.limiter.take(`tp:${phoneNumberId}`, mps, 1000 / mps, now)) {
    throw graphError('whatsapp', 130429, { httpStatus: ctx.options.rateLimitHttpStatus });
  }
  const pairKey = `pair:${phoneNumberId}:${customer?.key ?? handle.replace(/\D/g, '')}`;
  if (!ctx.limiter.take(pairKey, ctx.options.pairRate.burst, ctx.options.pairRate.intervalMs, now)) {
    throw graphError('whatsapp', 131056, { httpStatus: ctx.options.rateLimitHttpStatus });
  }
  const windowClosed = content.type !== 'template' && !whatsappWindowOpen(ctx, customer, phoneNumberId);
  if (windowClosed && ctx.switches.windowMode === 'sync') throw graphError('whatsapp', 131047);

  const failure = forced
    ? graphError('whatsapp', forced.code, { details: forced.details })
    : windowClosed
      ? graphError('whatsapp', 131047)
      : recipientFailure(customer, content);

  const message = storeOutbound(ctx, phoneNumberId, customer, handle, body, content);
  stopTyping(ctx, phoneNumberId, message.customer);
  if (failure) message.error = { code: failure.code, title: failure.title };
  if (!failure && content.link && ctx.switches.fetchMediaLinks) {
    afterResponse(request, () => void deliverLinkedMedia(ctx, message, content.type, content.link!));
  } else {
    await scheduleStatuses(ctx, request, message, failure);
  }

  const contact: Record<string, string> = { input: handle };
  if (recipient && !to) contact.user_id = customer?.bsuid ?? recipient;
  else contact.wa_id = customer?.waId ?? handle.replace(/\D/g, '');
  return { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: message.id }] };
}

/** Fetches a `link` send's media; the statuses follow, or a failed 131053 when the link cannot be fetched. */
async function deliverLinkedMedia(ctx: SandboxContext, message: StoredMessage, type: string, link: string) {
  const result = await fetchLink(link);
  let failure: GraphError | undefined;
  if (!result.ok) {
    failure = graphError('whatsapp', 131053, { details: linkFailureDetails(result) });
  } else if (!mediaFits(type, result.mimeType)) {
    failure = graphError('whatsapp', 131053, {
      details: `Media type ${result.mimeType} is not supported for ${type}.`,
    });
  } else {
    const now = ctx.clock.now();
    const media = ctx.media.add({
      product: 'whatsapp',
      owner: message.account,
      mimeType: result.mimeType,
      filename: message.filename,
      data: result.data,
      expiresAt: now + mediaLifetimes.whatsappUpload,
    });
    message.mediaUrl = ctx.media.cdnUrl(ctx.baseUrl(), media.id, now, message.filename ?? type);
    message.mimeType = result.mimeType;
  }
  if (failure) {
    message.status = 'failed';
    message.error = { code: failure.code, title: failure.title };
    await ctx.emitter.emit([statusEvent(ctx, message, 'failed', failure)]);
    return;
  }
  if (ctx.switches.statusProgression === 'none') return;
  const sent = advanceStatus(ctx, message, 'sent');
  await ctx.emitter.emit([...(sent ? [sent] : []), ...followingStatuses(ctx, message)]);
}

function storeOutbound(
  ctx: SandboxContext,
  phoneNumberId: string,
  customer: WhatsAppCustomer | undefined,
  handle: string,
  body: Record<string, unknown>,
  content: OutboundContent,
): StoredMessage {
  const context = body.context as { message_id?: unknown } | undefined;
  const message = ctx.messages.add({
    id: newWamid(customer?.waId ?? handle),
    product: 'whatsapp',
    account: phoneNumberId,
    customer: customer?.key ?? handle.replace(/\D/g, ''),
    to: handle,
    direction: 'outbound',
    type: content.type,
    text: content.text,
    mediaUrl: content.mediaUrl,
    mediaId: content.mediaId,
    mimeType: content.mimeType,
    filename: content.filename,
    replyTo: typeof context?.message_id === 'string' ? context.message_id : undefined,
    status: 'accepted',
    at: ctx.clock.now(),
    opaque: typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined,
    templateCategory: content.template?.category,
  });
  if (content.reaction) {
    const target = ctx.messages.get(content.reaction.messageId);
    if (target) target.reactions.business = content.reaction.emoji || undefined;
  }
  return message;
}

/** Emits sent → delivered → read (or failed), after the reply unless the race switch is on. */
async function scheduleStatuses(
  ctx: SandboxContext,
  request: FastifyRequest,
  message: StoredMessage,
  failure: GraphError | undefined,
) {
  if (failure) {
    message.status = 'failed';
    const event = statusEvent(ctx, message, 'failed', failure);
    if (ctx.switches.statusBeforeResponse) await ctx.emitter.emit([event]);
    else afterResponse(request, () => void ctx.emitter.emit([event]));
    return;
  }
  if (ctx.switches.statusProgression === 'none') return;
  const sent = advanceStatus(ctx, message, 'sent');
  if (ctx.switches.statusBeforeResponse && sent) {
    await ctx.emitter.emit([sent]);
    afterResponse(request, () => void ctx.emitter.emit(followingStatuses(ctx, message)));
    return;
  }
  afterResponse(
    request,
    () => void ctx.emitter.emit([...(sent ? [sent] : []), ...followingStatuses(ctx, message)]),
  );
}
