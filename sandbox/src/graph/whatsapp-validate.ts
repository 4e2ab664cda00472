import type { SandboxContext } from '../context.js';
import type { StoredTemplate } from '../state/templates.js';
import { graphError } from './graph-error.js';
import { checkTemplateParameters } from './whatsapp-templates.js';

/** What a validated send carries, for the conversation store and the customer phone. */
export interface OutboundContent {
  type: string;
  text: string;
  mediaId?: string;
  mediaUrl?: string;
  /** The media was given by `link`: Meta fetches it after accepting the send. */
  link?: string;
  mimeType?: string;
  filename?: string;
  reaction?: { messageId: string; emoji: string };
  template?: StoredTemplate;
  /** The media's MIME type does not fit the message type: Meta accepts, then fails with 131053. */
  mediaMismatch?: boolean;
}

type Body = Record<string, unknown>;

const mediaTypes = ['image', 'audio', 'video', 'document', 'sticker'] as const;
const mimeFits: Record<string, (mime: string) => boolean> = {
  image: (m) => m === 'image/jpeg' || m === 'image/png',
  audio: (m) => m.startsWith('audio/'),
  video: (m) => m === 'video/mp4' || m === 'video/3gpp',
  document: (m) => !m.startsWith('image/webp'),
  sticker: (m) => m === 'image/webp',
};

/** Whether a MIME type can be sent as this WhatsApp media type. */
export function mediaFits(type: string, mime: string): boolean {
  return mimeFits[type]?.(mime.split(';')[0]!.trim().toLowerCase()) ?? false;
}

function invalid(details: string, code = 100) {
  return graphError('whatsapp', code, { details });
}

function object(body: Body, key: string): Body {
  const value = body[key];
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw invalid(`The parameter ${key} is required.`);
  return value as Body;
}

function maxLength(value: unknown, max: number, what: string, code = 131009): void {
  if (typeof value === 'string' && [...value].length > max) {
    throw invalid(`${what} length invalid. Max length: ${max}`, code);
  }
}

/** Validates a `POST /{phone-number-id}/messages` body per type, as the Cloud API does. */
export function validateWhatsAppSend(
  ctx: SandboxContext,
  phoneNumberId: string,
  body: Body,
): OutboundContent {
  const type = typeof body.type === 'string' ? body.type : 'text';
  if (type === 'text') {
    const text = object(body, 'text');
    if (typeof text.body !== 'string' || text.body.length === 0)
      throw invalid("The parameter text['body'] is required.");
    if (text.body.length > 4096) throw invalid("Param text['body'] must be at most 4096 characters long.");
    return { type, text: text.body };
  }
  if ((mediaTypes as readonly string[]).includes(type)) return validateMedia(ctx, type, object(body, type));
  if (type === 'location') {
    const loc = object(body, 'location');
    if (typeof loc.latitude !== 'number' && typeof loc.latitude !== 'string') {
      throw invalid("The parameter location['latitude'] is required.");
    }
    if (typeof loc.longitude !== 'number' && typeof loc.longitude !== 'string') {
      throw invalid("The parameter location['longitude'] is required.");
    }
    return {
      type,
      text: `📍 ${String(loc.name ?? '')} ${String(loc.latitude)},${String(loc.longitude)}`.trim(),
    };
  }
  if (type === 'contacts') {
    const contacts = body.contacts;
    if (!Array.isArray(contacts) || contacts.length === 0)
      throw invalid('The parameter contacts is required.');
    const names = contacts.map((c: Body) => {
      const name = (c?.name as Body | undefined)?.formatted_name;
      if (typeof name !== 'string')
        throw invalid("The parameter contacts[0]['name']['formatted_name'] is required.");
      return name;
    });
    return { type, text: `👤 ${names.join(', ')}` };
  }
  if (type === 'reaction') {
    if (body.context) throw invalid('Reaction messages cannot be sent as a reply.');
    const reaction = object(body, 'reaction');
    if (typeof reaction.message_id !== 'string')
      throw invalid("The parameter reaction['message_id'] is required.");
    const target = ctx.messages.get(reaction.message_id);
    if (!target || target.product !== 'whatsapp' || target.account !== phoneNumberId) {
      throw invalid('Message ID is not valid.', 131009);
    }
    const emoji = typeof reaction.emoji === 'string' ? reaction.emoji : '';
    return { type, text: emoji, reaction: { messageId: reaction.message_id, emoji } };
  }
  if (type === 'interactive') return validateInteractive(object(body, 'interactive'));
  if (type === 'template') return validateTemplate(ctx, phoneNumberId, object(body, 'template'));
  throw invalid(`Unsupported message type ${type}`, 131051);
}

function validateMedia(ctx: SandboxContext, type: string, media: Body): OutboundContent {
  const hasId = typeof media.id === 'string';
  const hasLink = typeof media.link === 'string';
  if (hasId === hasLink) throw invalid(`Param ${type} must contain exactly one of id or link.`);
  if (media.caption !== undefined && (type === 'audio' || type === 'sticker')) {
    throw invalid(`Param ${type}['caption'] is not allowed for ${type} messages.`);
  }
  maxLength(media.caption, 1024, 'Caption', 100);
  const caption = typeof media.caption === 'string' ? media.caption : '';
  const filename = typeof media.filename === 'string' ? media.filename : undefined;
  if (hasLink) {
    const link = media.link as string;
    if (!/^https?:\/\//.test(link)) throw invalid(`Param ${type}['link'] must be a valid URL.`);
    return { type, text: caption, mediaUrl: link, link, filename };
  }
  const stored = ctx.media.get(media.id as string, ctx.clock.now());
  if (!stored || stored.product !== 'whatsapp') throw invalid(`Param ${type}['id'] is not a valid media id.`);
  return {
    type,
    text: caption,
    mediaId: stored.id,
    mediaUrl: ctx.media.cdnUrl(ctx.baseUrl(), stored.id, ctx.clock.now(), stored.filename ?? type),
    mimeType: stored.mimeType,
    filename: filename ?? stored.filename,
    mediaMismatch: !mediaFits(type, stored.mimeType),
  };
}

function validateInteractive(interactive: Body): OutboundContent {
  const kind = interactive.type;
  const known = [
    'button',
    'list',
    'cta_url',
    'location_request_message',
    'flow',
    'address',
    'product',
    'product_list',
  ];
  if (typeof kind !== 'string' || !known.includes(kind))
    throw invalid("The parameter interactive['type'] is invalid.");
  const body = interactive.body as Body | undefined;
  if (kind !== 'product' && typeof body?.text !== 'string') {
    throw invalid("The parameter interactive['body']['text'] is required.");
  }
  maxLength(body?.text, kind === 'list' ? 4096 : 1024, 'Body text');
  const header = interactive.header as Body | undefined;
  if (header?.type === 'text') maxLength(header.text, 60, 'Header text');
  maxLength((interactive.footer as Body | undefined)?.text, 60, 'Footer text');
  const action = (interactive.action ?? {}) as Body;
  if (kind === 'button') {
    const buttons = action.buttons;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) {
      throw invalid('Invalid buttons count. Min allowed buttons: 1, Max allowed buttons: 3', 131009);
    }
    const ids = new Set<string>();
    for (const b of buttons as Body[]) {
      const reply = b.reply as Body | undefined;
      if (typeof reply?.id !== 'string' || typeof reply.title !== 'string' || reply.title.length === 0) {
        throw invalid('Each button needs a reply id and title.', 131009);
      }
      maxLength(reply.title, 20, 'Button title');
      maxLength(reply.id, 256, 'Button id');
      if (ids.has(reply.id)) throw invalid('Button ids must be unique.', 131009);
      ids.add(reply.id);
    }
  }
  if (kind === 'cta_url') {
    const parameters = (action.parameters ?? {}) as Body;
    if (action.name !== 'cta_url')
      throw invalid("Param interactive['action']['name'] must be cta_url.", 131009);
    if (typeof parameters.display_text !== 'string' || parameters.display_text.length === 0) {
      throw invalid("The parameter interactive['action']['parameters']['display_text'] is required.", 131009);
    }
    maxLength(parameters.display_text, 20, 'Display text');
    if (typeof parameters.url !== 'string' || !/^https?:\/\//.test(parameters.url)) {
      throw invalid("Param interactive['action']['parameters']['url'] must be a valid URL.", 131009);
    }
  }
  if (kind === 'list') {
    if (typeof action.button !== 'string' || action.button.length === 0) {
      throw invalid("The parameter interactive['action']['button'] is required.");
    }
    maxLength(action.button, 20, 'Button text');
    const sections = action.sections;
    if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) {
      throw invalid('Invalid sections count. Min allowed sections: 1, Max allowed sections: 10', 131009);
    }
    let rows = 0;
    for (const s of sections as Body[]) {
      if (sections.length > 1 && typeof s.title !== 'string')
        throw invalid('Section title is required.', 131009);
      maxLength(s.title, 24, 'Section title');
      for (const r of (Array.isArray(s.rows) ? s.rows : []) as Body[]) {
        rows++;
        maxLength(r.title, 24, 'Row title');
        maxLength(r.id, 200, 'Row id');
        maxLength(r.description, 72, 'Row description');
      }
    }
    if (rows < 1 || rows > 10)
      throw invalid('Invalid rows count. Min allowed rows: 1, Max allowed rows: 10', 131009);
  }
  return { type: 'interactive', text: typeof body?.text === 'string' ? body.text : `[${kind}]` };
}

function validateTemplate(ctx: SandboxContext, phoneNumberId: string, template: Body): OutboundContent {
  const name = template.name;
  const language = (template.language as Body | undefined)?.code;
  if (typeof name !== 'string') throw invalid("The parameter template['name'] is required.");
  if (typeof language !== 'string') throw invalid("The parameter template['language']['code'] is required.");
  const number = ctx.options.numbers.find((n) => n.phoneNumberId === phoneNumberId)!;
  const stored = ctx.templates.find(number.wabaId, name, language);
  if (!stored || stored.status !== 'APPROVED') {
    throw graphError('whatsapp', 132001, {
      details: `template name (${name}) does not exist in ${language}`,
    });
  }
  return { type: 'template', text: checkTemplateParameters(stored, template.components), template: stored };
}
