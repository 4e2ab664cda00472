import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { newMid } from '../ids.js';
import type { MessengerPageOptions } from '../options.js';
import type { MessengerCustomer } from '../state/customers.js';
import { mediaLifetimes } from '../state/media-store.js';
import { echoEvent, messengerProgress } from '../webhooks/messenger-events.js';
import { GraphError, graphError } from './graph-error.js';
import type { UploadedFile } from './multipart.js';
import { fetchLink } from './fetch-link.js';
import { afterResponse } from './request-hooks.js';

type Body = Record<string, unknown>;
type Page = Required<MessengerPageOptions>;

const dayMs = 24 * 3600_000;
const retiredTags = ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE'];
const attachmentTypes = ['image', 'audio', 'video', 'file', 'template'];
const senderActions = ['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact'];

const invalid = (details: string, subcode?: number) =>
  new GraphError(400, 100, details, undefined, subcode, 'messenger');

function findCustomer(ctx: SandboxContext, page: Page, psid: string): MessengerCustomer {
  const customer = ctx.customers.findMessenger(psid);
  if (!customer || customer.pageId !== page.pageId) throw graphError('messenger', 2018001);
  if (customer.state === 'unavailable') throw graphError('messenger', 551);
  if (ctx.options.app.developmentMode && !customer.tester) throw graphError('messenger', 2018108);
  return customer;
}

/** `POST /{version}/me/messages` or `/{page-id}/messages`: the Send API, with sender actions. */
export async function sendMessengerMessage(
  ctx: SandboxContext,
  request: FastifyRequest,
  page: Page,
  body: Body,
  upload?: UploadedFile,
) {
  const recipient = body.recipient as Body | undefined;
  if (typeof recipient?.id !== 'string' && typeof recipient?.id !== 'number') {
    throw invalid('The parameter recipient is required');
  }
  const psid = String(recipient.id);
  const hasMessage = body.message !== undefined;
  const action = body.sender_action;
  if (hasMessage === (action !== undefined)) {
    throw invalid('Exactly one of message or sender_action must be provided');
  }
  if (action !== undefined) return senderAction(ctx, page, psid, String(action), body);

  const message = body.message as Body;
  const content = messageContent(ctx, page, message, upload);
  const customer = findCustomer(ctx, page, psid);
  const replyTo = (body.reply_to as Body | undefined)?.mid;
  if (replyTo !== undefined && (typeof replyTo !== 'string' || !ctx.messages.get(replyTo))) {
    throw invalid('Invalid reply_to message id');
  }
  checkWindow(ctx, page, customer, body);
  const forced = ctx.failures.take('messenger', [psid]);
  if (forced) throw graphError('messenger', forced.code, { httpStatus: forced.httpStatus });
  if (content.link && ctx.switches.fetchMediaLinks) await rehost(ctx, page, content, content.link);

  const stored = ctx.messages.add({
    id: newMid(),
    product: 'messenger',
    account: page.pageId,
    customer: psid,
    direction: 'outbound',
    type: content.type,
    text: content.text,
    mediaUrl: content.url,
    mimeType: content.mimeType,
    replyTo: typeof replyTo === 'string' ? replyTo : undefined,
    status: 'sent',
    at: ctx.clock.now(),
    opaque: typeof message.metadata === 'string' ? message.metadata : undefined,
  });
  ctx.typingUntil.delete(`${page.pageId}:${psid}`);
  const echo = echoEvent(ctx, stored, content.echo);
  const later = () =>
    ctx.switches.statusProgression === 'delivered' || ctx.switches.statusProgression === 'read'
      ? messengerProgress(ctx, page.pageId, psid, ctx.switches.statusProgression)
      : [];
  if (ctx.switches.statusBeforeResponse) {
    await ctx.emitter.emit([echo]);
    afterResponse(request, () => void ctx.emitter.emit(later()));
  } else {
    afterResponse(request, () => void ctx.emitter.emit([echo, ...later()]));
  }
  return { recipient_id: psid, message_id: stored.id };
}

function checkWindow(ctx: SandboxContext, page: Page, customer: MessengerCustomer, body: Body): void {
  const type = body.messaging_type;
  if (type !== 'RESPONSE' && type !== 'UPDATE' && type !== 'MESSAGE_TAG') {
    throw invalid('param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
  }
  let allowedMs = dayMs;
  if (type === 'MESSAGE_TAG') {
    const tag = body.tag;
    if (typeof tag !== 'string') throw invalid('param tag is required when messaging_type is MESSAGE_TAG');
    if (retiredTags.includes(tag)) throw invalid(`The tag ${tag} is no longer supported`);
    if (tag !== 'HUMAN_AGENT') throw invalid(`param tag must be HUMAN_AGENT, not ${tag}`);
    if (!page.humanAgentApproved) {
      throw new GraphError(
        400,
        10,
        'Application does not have permission for this action',
        undefined,
        undefined,
        'messenger',
      );
    }
    allowedMs = 7 * dayMs;
  }
  const last = customer.lastMessageAt;
  if (last === undefined || ctx.clock.now() - last > allowedMs) throw graphError('messenger', 10);
}

interface Content {
  type: string;
  text: string;
  url?: string;
  /** Given by URL: Meta fetches it during the send and answers 100 when it cannot. */
  link?: string;
  mimeType?: string;
  echo: Body;
}

function messageContent(ctx: SandboxContext, page: Page, message: Body, upload?: UploadedFile): Content {
  if (!message || typeof message !== 'object') throw invalid('The parameter message is invalid');
  if (typeof message.metadata === 'string' && message.metadata.length > 1000) {
    throw invalid('Length of param message[metadata] must be less than or equal to 1000');
  }
  checkQuickReplies(message.quick_replies);
  if (typeof message.text === 'string') {
    if ([...message.text].length > 2000)
      throw invalid('Length of param message[text] must be less than or equal to 2000');
    if (message.text.length === 0) throw invalid('The parameter message[text] must not be empty');
    if (message.attachment) throw invalid('Only one of text or attachment may be provided');
    return { type: 'text', text: message.text, echo: { text: message.text } };
  }
  const attachment = message.attachment as Body | undefined;
  if (!attachment) throw invalid('The parameter message[text] or message[attachment] is required');
  const type = String(attachment.type);
  if (!attachmentTypes.includes(type)) throw invalid(`Invalid attachment type ${type}`);
  const payload = (attachment.payload ?? {}) as Body;
  if (type === 'template')
    return { type, text: String(payload.text ?? '[template]'), echo: { attachments: [attachment] } };
  const now = ctx.clock.now();
  let url: string;
  let mimeType: string | undefined;
  if (upload) {
    const media = ctx.media.add({
      product: 'messenger',
      owner: page.pageId,
      mimeType: upload.mimetype,
      filename: upload.filename,
      data: upload.data,
      expiresAt: now + mediaLifetimes.messengerAttachment,
    });
    url = ctx.media.cdnUrl(ctx.baseUrl(), media.id, now, upload.filename);
    mimeType = upload.mimetype;
  } else if (payload.attachment_id !== undefined) {
    const media = ctx.media.get(String(payload.attachment_id), now);
    if (!media || media.product !== 'messenger' || media.owner !== page.pageId) {
      throw invalid('Attachment ID is invalid or expired');
    }
    url = media.sourceUrl ?? ctx.media.cdnUrl(ctx.baseUrl(), media.id, now, media.filename);
    mimeType = media.mimeType;
  } else if (typeof payload.url === 'string' && /^https?:\/\//.test(payload.url)) {
    url = payload.url;
    return { type, text: '', url, link: url, echo: { attachments: [{ type, payload: { url } }] } };
  } else {
    throw invalid('The parameter message[attachment][payload] needs a url or an attachment_id');
  }
  return { type, text: '', url, mimeType, echo: { attachments: [{ type, payload: { url } }] } };
}

/** Fetches an attachment given by URL and serves it from the sandbox's CDN, as Meta re-hosts it. */
async function rehost(ctx: SandboxContext, page: Page, content: Content, link: string): Promise<void> {
  const result = await fetchLink(link, 75_000, 25 * 1024 * 1024);
  if (!result.ok) throw invalid('Failed to fetch the file from the url');
  const now = ctx.clock.now();
  const filename = decodeURIComponent(new URL(link).pathname.split('/').pop() || 'file');
  const media = ctx.media.add({
    product: 'messenger',
    owner: page.pageId,
    mimeType: result.mimeType,
    filename,
    data: result.data,
    expiresAt: now + mediaLifetimes.cdnUrl,
  });
  content.url = ctx.media.cdnUrl(ctx.baseUrl(), media.id, now, filename);
  content.mimeType = result.mimeType;
  content.echo = { attachments: [{ type: content.type, payload: { url: content.url } }] };
}

function senderAction(ctx: SandboxContext, page: Page, psid: string, action: string, body: Body) {
  if (!senderActions.includes(action))
    throw invalid(`param sender_action must be one of {${senderActions.join(', ')}}`);
  const customer = findCustomer(ctx, page, psid);
  if (action === 'react' || action === 'unreact') {
    const payload = (body.payload ?? {}) as Body;
    const target = typeof payload.message_id === 'string' ? ctx.messages.get(payload.message_id) : undefined;
    if (!target || target.product !== 'messenger' || target.customer !== psid) {
      throw invalid('The parameter payload[message_id] is invalid');
    }
    if (action === 'react' && typeof payload.reaction !== 'string')
      throw invalid('The parameter payload[reaction] is required');
    target.reactions.business = action === 'react' ? String(payload.reaction) : undefined;
  }
  if (action === 'mark_seen') {
    for (const m of ctx.messages.conversation('messenger', page.pageId, customer.psid)) {
      if (m.direction === 'inbound') m.status = 'read';
    }
  }
  if (action === 'typing_on') ctx.typingUntil.set(`${page.pageId}:${psid}`, ctx.clock.now() + 20_000);
  if (action === 'typing_off') ctx.typingUntil.delete(`${page.pageId}:${psid}`);
  return { recipient_id: psid };
}

/** Quick replies: at most 13 chips; text chips need a title (≤20) and a payload (≤1000). */
function checkQuickReplies(value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0 || value.length > 13) {
    throw invalid('param message[quick_replies] must be an array of 1 to 13 elements');
  }
  for (const chip of value as Body[]) {
    const kind = chip?.content_type;
    if (kind !== 'text' && kind !== 'user_phone_number' && kind !== 'user_email') {
      throw invalid(
        'param message[quick_replies][content_type] must be one of {text, user_phone_number, user_email}',
      );
    }
    if (kind !== 'text') continue;
    if (typeof chip.title !== 'string' || chip.title.length === 0 || [...chip.title].length > 20) {
      throw invalid('param message[quick_replies][title] must be 1 to 20 characters');
    }
    if (typeof chip.payload !== 'string' && typeof chip.payload !== 'number') {
      throw invalid('param message[quick_replies][payload] is required');
    }
    if (String(chip.payload).length > 1000)
      throw invalid('param message[quick_replies][payload] is too long');
  }
}
