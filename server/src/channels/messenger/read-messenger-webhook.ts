import type { InboundAttachment, InboundEvent } from '../channel-adapter.js';

/** An attachment to download: the CDN URL in `remoteRef`, with what the UI needs to show it. */
export type MessengerAttachment = InboundAttachment & {
  kind: 'image' | 'gif' | 'audio' | 'video' | 'file' | 'sticker';
  stickerId?: string;
};

/** One thing a Messenger webhook carried, for one Page. */
export type MessengerItem =
  | { kind: 'inbound'; pageId: string; psid: string; event: InboundEvent }
  | {
      kind: 'echo';
      pageId: string;
      psid: string;
      mid: string;
      /** What we put in the send's `metadata` (our message id), when the Page's message was ours. */
      metadata?: string;
      appId?: string;
      text?: string;
      attachments: MessengerAttachment[];
      extra: Record<string, unknown>;
      sentAt: Date;
    };

export interface ReadMessengerWebhook {
  items: MessengerItem[];
  /** Events that could not be read, with why; the rest of the batch is kept. */
  problems: string[];
  /** Events of kinds a contact center has no use for (opt-ins, referrals without a message…). */
  ignored: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** Meta's "Like" sticker, the thumbs-up. */
export const LIKE_STICKER_ID = '369239263222822';

/** The page ids a payload names, to find the accounts (and app secrets) that may have signed it. */
export function pageIdsOf(body: unknown): string[] {
  if (!isObject(body)) return [];
  const ids = new Set<string>();
  for (const entry of list(body.entry)) {
    const id = isObject(entry) ? str(entry.id) : undefined;
    if (id) ids.add(id);
  }
  return [...ids];
}

/**
 * Reads every entry and every event of a Messenger webhook: `messaging[]` and `standby[]` (another app owns the
 * thread) alike. Meta puts one event per entry but batches entries; we read all of both. An event that cannot be
 * read is reported in `problems` and never costs the others.
 */
export function readMessengerWebhook(body: Json): ReadMessengerWebhook {
  const items: MessengerItem[] = [];
  const problems: string[] = [];
  let ignored = 0;
  for (const entry of list(body.entry)) {
    if (!isObject(entry)) {
      problems.push('an entry is not an object');
      continue;
    }
    const entryPage = str(entry.id);
    for (const event of [...list(entry.messaging), ...list(entry.standby)]) {
      try {
        if (!isObject(event)) throw new Error('not an object');
        const item = itemOf(event, entryPage);
        if (item) items.push(item);
        else ignored++;
      } catch (error) {
        problems.push(`event of page ${entryPage ?? '?'}: ${(error as Error).message}`);
      }
    }
  }
  return { items, problems, ignored };
}

/** Later than any date the database stores exactly (year 9999): a broken or hostile timestamp. */
const LATEST_TIMESTAMP_MS = Date.UTC(9999, 11, 31);

function millis(value: unknown): Date {
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms <= 0 || ms > LATEST_TIMESTAMP_MS) throw new Error('no valid timestamp');
  return new Date(ms);
}

function itemOf(event: Json, entryPage: string | undefined): MessengerItem | undefined {
  const sender = isObject(event.sender) ? str(event.sender.id) : undefined;
  const recipient = isObject(event.recipient) ? str(event.recipient.id) : undefined;
  const message = isObject(event.message) ? event.message : undefined;
  if (message?.is_echo === true) {
    // Sent by the Page: from the page to the customer.
    const pageId = sender ?? entryPage;
    if (!pageId || !recipient) throw new Error('an echo without sender or recipient');
    const mid = str(message.mid);
    if (!mid) throw new Error('an echo without mid');
    const content = contentOf(message);
    return {
      kind: 'echo',
      pageId,
      psid: recipient,
      mid,
      ...(str(message.metadata) !== undefined ? { metadata: str(message.metadata)! } : {}),
      ...(str(message.app_id) ? { appId: str(message.app_id)! } : {}),
      ...(content.text !== undefined ? { text: content.text } : {}),
      attachments: content.attachments,
      extra: content.metadata,
      sentAt: millis(event.timestamp),
    };
  }
  const pageId = recipient ?? entryPage;
  const psid = sender ?? (isObject(event.sender) ? str(event.sender.user_ref) : undefined);
  if (!pageId || !psid) throw new Error('an event without sender or recipient');
  const inbound = (e: InboundEvent): MessengerItem => ({ kind: 'inbound', pageId, psid, event: e });
  const sentAt = () => millis(event.timestamp);

  if (message) return inbound(messageEventOf(message, sentAt()));
  if (isObject(event.postback)) {
    const postback = event.postback;
    const title = str(postback.title) ?? str(postback.payload) ?? '';
    return inbound({
      kind: 'message',
      // Older postbacks carry no mid: the customer and the moment identify the tap.
      channelMessageId: str(postback.mid) ?? `postback:${psid}:${str(event.timestamp)}`,
      text: title,
      sentAt: sentAt(),
      metadata: {
        type: 'postback',
        postback: { title, payload: str(postback.payload) ?? null },
        ...(isObject(postback.referral) ? { referral: postback.referral } : {}),
      },
    });
  }
  if (isObject(event.reaction)) {
    const reaction = event.reaction;
    const target = str(reaction.mid);
    if (!target) throw new Error('a reaction without mid');
    const emoji = str(reaction.emoji) ?? str(reaction.reaction) ?? null;
    return inbound({
      kind: 'reaction',
      channelMessageId: target,
      emoji: reaction.action === 'unreact' ? null : emoji,
      sentAt: sentAt(),
    });
  }
  if (isObject(event.message_edit)) {
    const edit = event.message_edit;
    const target = str(edit.mid);
    if (!target) throw new Error('an edit without mid');
    return inbound({ kind: 'edit', channelMessageId: target, text: str(edit.text) ?? '', sentAt: sentAt() });
  }
  if (isObject(event.delivery)) {
    return inbound({ kind: 'watermark', status: 'delivered', upTo: millis(event.delivery.watermark) });
  }
  if (isObject(event.read)) {
    return inbound({ kind: 'watermark', status: 'read', upTo: millis(event.read.watermark) });
  }
  // Referrals without a message, opt-ins, handover and policy notices: nothing for an operator to answer.
  return undefined;
}

function messageEventOf(message: Json, sentAt: Date): InboundEvent {
  const mid = str(message.mid);
  if (!mid) throw new Error('a message without mid');
  const content = contentOf(message);
  const metadata: Json = { ...content.metadata };
  if (isObject(message.quick_reply))
    metadata.quickReply = { payload: str(message.quick_reply.payload) ?? null };
  if (isObject(message.referral)) metadata.referral = message.referral;
  if (list(message.commands).length) metadata.commands = message.commands;
  const replyTo = isObject(message.reply_to) ? str(message.reply_to.mid) : undefined;
  return {
    kind: 'message',
    channelMessageId: mid,
    ...(content.text !== undefined ? { text: content.text } : {}),
    ...(content.attachments.length ? { attachments: content.attachments } : {}),
    ...(replyTo ? { quotedChannelMessageId: replyTo } : {}),
    sentAt,
    metadata,
  };
}

const DOWNLOADED = new Set(['image', 'audio', 'video', 'file', 'sticker']);
const EXTENSION: Record<string, string> = {
  image: 'jpg',
  gif: 'gif',
  audio: 'mp4',
  video: 'mp4',
  file: 'bin',
  sticker: 'png',
};
/** Shared content Meta describes by a link rather than a file. */
const LINKED = new Set([
  'fallback',
  'reel',
  'ig_reel',
  'post',
  'ig_post',
  'template',
  'share',
  'story_mention',
]);

/** The name a CDN URL carries (`…/v/t1/123_n.jpg?…`), or one made from the kind. */
function nameOf(url: string, kind: string, index: number): string {
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    if (/\.[a-z0-9]{2,5}$/i.test(last)) return last;
  } catch {
    // not a URL: the kind's name
  }
  return `${kind}-${index + 1}.${EXTENSION[kind] ?? 'bin'}`;
}

/**
 * Text, attachments and shared content of a message or an echo. Every file attachment is kept (a customer may
 * send several photos at once). During Meta's sticker transition a sticker comes twice, as `sticker` and as a
 * legacy `image` with the same `sticker_id`: that is one sticker.
 */
function contentOf(message: Json): { text?: string; attachments: MessengerAttachment[]; metadata: Json } {
  const metadata: Json = {};
  const raw = list(message.attachments).filter(isObject);
  const stickers = raw.filter((a) => a.type === 'sticker').map((a) => (isObject(a.payload) ? a.payload : {}));
  const stickerIds = new Set(stickers.map((p) => str(p.sticker_id)).filter(Boolean));
  const stickerUrls = new Set(stickers.map((p) => str(p.url)).filter(Boolean));
  const attachments: MessengerAttachment[] = [];
  const links: Json[] = [];
  const unsupported: string[] = [];
  for (const attachment of raw) {
    const type = str(attachment.type) ?? 'unknown';
    const payload = isObject(attachment.payload) ? attachment.payload : {};
    const url = str(payload.url);
    const stickerId = str(payload.sticker_id) ?? (type === 'sticker' ? str(message.sticker_id) : undefined);
    // The legacy half of a transition-period sticker.
    if (type === 'image' && ((stickerId && stickerIds.has(stickerId)) || (url && stickerUrls.has(url))))
      continue;
    if (DOWNLOADED.has(type) && url) {
      const kind =
        type === 'image' && stickerId
          ? 'sticker'
          : type === 'image' && /\.gif$/i.test(pathOf(url))
            ? 'gif'
            : type;
      const name = nameOf(url, kind, attachments.length);
      attachments.push({
        kind: kind as MessengerAttachment['kind'],
        name,
        remoteRef: url,
        ...(stickerId ? { stickerId } : {}),
      });
      if (kind === 'sticker' && stickerId)
        metadata.sticker = {
          stickerId,
          ...(stickerId === LIKE_STICKER_ID ? { emoji: '👍', like: true } : {}),
        };
    } else if (LINKED.has(type) || (url && !DOWNLOADED.has(type))) {
      links.push({
        type,
        ...(url ? { url } : {}),
        ...(str(payload.title) ? { title: str(payload.title) } : {}),
        ...(str(attachment.title) ? { title: str(attachment.title) } : {}),
      });
    } else if (type === 'location' && isObject(payload.coordinates)) {
      metadata.location = {
        latitude: Number(payload.coordinates.lat),
        longitude: Number(payload.coordinates.long),
      };
    } else {
      unsupported.push(type);
    }
  }
  if (links.length) metadata.links = links;
  if (unsupported.length) metadata.unsupportedTypes = unsupported;
  let text = str(message.text);
  if (text === undefined && !attachments.length) {
    const parts = [
      ...links.map((l) => [l.title, l.url].filter(Boolean).join(' ') || `[${String(l.type)}]`),
      ...(isObject(metadata.location)
        ? [`${(metadata.location as Json).latitude}, ${(metadata.location as Json).longitude}`]
        : []),
      ...unsupported.map((type) => `unsupported: ${type}`),
    ];
    if (parts.length) text = parts.join('\n');
  }
  const types = [...new Set(attachments.map((a) => a.kind))];
  metadata.type =
    types.length === 1 ? types[0] : types.length ? 'attachments' : links.length ? 'link' : 'text';
  return { ...(text !== undefined ? { text } : {}), attachments, metadata };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
