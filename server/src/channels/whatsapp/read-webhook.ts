import type { InboundAttachment, InboundContact, InboundEvent } from '../channel-adapter.js';

/** One thing a webhook carried, for one of the business's numbers. */
export type WebhookItem =
  | { kind: 'inbound'; phoneNumberId: string; customer: InboundContact; event: InboundEvent }
  | {
      kind: 'status';
      phoneNumberId: string;
      wamid: string;
      status: 'sent' | 'delivered' | 'read' | 'failed';
      at: Date;
      /** What we put in `biz_opaque_callback_data` when sending: our message id. */
      callbackData?: string;
      error?: { code: number; title: string; details?: string };
    }
  /** A template's review changed (`message_template_status_update`), for every number of the WABA. */
  | { kind: 'template_status'; wabaId: string; name: string; language: string; status: string };

export interface ReadWebhook {
  items: WebhookItem[];
  /** Items that could not be read, with why; the rest of the batch is kept. */
  problems: string[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** The phone_number_ids a payload names, to find the accounts (and app secrets) that may have signed it. */
export function phoneNumberIdsOf(body: unknown): string[] {
  const ids = new Set<string>();
  if (!isObject(body)) return [];
  for (const entry of list(body.entry)) {
    if (!isObject(entry)) continue;
    for (const change of list(entry.changes)) {
      const id =
        isObject(change) && isObject(change.value) && isObject(change.value.metadata)
          ? str(change.value.metadata.phone_number_id)
          : undefined;
      if (id) ids.add(id);
    }
  }
  return [...ids];
}

/**
 * Reads every entry, change, message and status of a WhatsApp webhook (Meta batches them and may add fields).
 * An item that cannot be read is reported in `problems` and never costs the others.
 */
export function readWebhook(body: Json): ReadWebhook {
  const items: WebhookItem[] = [];
  const problems: string[] = [];
  for (const entry of list(body.entry)) {
    if (!isObject(entry)) {
      problems.push('an entry is not an object');
      continue;
    }
    for (const change of list(entry.changes)) {
      if (!isObject(change) || !isObject(change.value)) {
        problems.push('a change has no value');
        continue;
      }
      if (change.field === 'message_template_status_update') {
        const item = templateStatusOf(str(entry.id), change.value);
        if (item) items.push(item);
        else problems.push('a template status update without WABA id, name, language or event');
        continue;
      }
      if (change.field !== 'messages') continue;
      const value = change.value;
      const phoneNumberId = isObject(value.metadata) ? str(value.metadata.phone_number_id) : undefined;
      if (!phoneNumberId) {
        problems.push('a change has no metadata.phone_number_id');
        continue;
      }
      const contacts = list(value.contacts).filter(isObject);
      for (const message of list(value.messages)) {
        try {
          if (!isObject(message)) throw new Error('not an object');
          items.push({
            kind: 'inbound',
            phoneNumberId,
            customer: customerOf(message, contacts),
            event: inboundEventOf(message),
          });
        } catch (error) {
          problems.push(`message ${isObject(message) ? str(message.id) : '?'}: ${(error as Error).message}`);
        }
      }
      for (const status of list(value.statuses)) {
        try {
          if (!isObject(status)) throw new Error('not an object');
          const item = statusOf(phoneNumberId, status);
          if (item) items.push(item);
        } catch (error) {
          problems.push(`status ${isObject(status) ? str(status.id) : '?'}: ${(error as Error).message}`);
        }
      }
    }
  }
  return { items, problems };
}

/** Later than any date the database stores exactly (year 9999): a broken or hostile timestamp. */
const LATEST_TIMESTAMP_MS = Date.UTC(9999, 11, 31);

function timestampOf(value: unknown): Date {
  const seconds = Number(str(value));
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds * 1000 > LATEST_TIMESTAMP_MS)
    throw new Error('no valid timestamp');
  return new Date(seconds * 1000);
}

/** The customer: keyed by wa_id and by BSUID (a username-only customer has only the BSUID). */
function customerOf(message: Json, contacts: Json[]): InboundContact {
  const from = str(message.from);
  const fromUserId = str(message.from_user_id);
  const contact =
    contacts.find((c) => (from && c.wa_id === from) || (fromUserId && c.user_id === fromUserId)) ??
    (contacts.length === 1 ? contacts[0] : undefined);
  const waId = str(contact?.wa_id) ?? from;
  const bsuid = str(contact?.user_id) ?? fromUserId;
  if (!waId && !bsuid) throw new Error('no sender (neither wa_id nor BSUID)');
  const identities: InboundContact['identities'] = [];
  if (waId) identities.push({ kind: 'wa_id', value: waId });
  if (bsuid) identities.push({ kind: 'bsuid', value: bsuid });
  const profile = isObject(contact?.profile) ? contact.profile : {};
  const name = str(profile.name) ?? str(profile.username);
  return {
    identities,
    profile: { ...(name ? { name } : {}), ...(waId ? { phone: `+${waId}` } : {}) },
  };
}

const MEDIA = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const EXTENSION: Record<string, string> = {
  image: 'jpg',
  video: 'mp4',
  audio: 'ogg',
  document: 'bin',
  sticker: 'webp',
};

/** One inbound message as the core's event: every type of Meta's table, unknown ones kept as "unsupported". */
export function inboundEventOf(message: Json): InboundEvent {
  const id = str(message.id);
  if (!id) throw new Error('no id');
  const type = str(message.type) ?? 'unknown';
  const sentAt = timestampOf(message.timestamp);
  const payload = isObject(message[type]) ? (message[type] as Json) : {};

  if (type === 'reaction') {
    const target = str(payload.message_id);
    if (!target) throw new Error('a reaction without message_id');
    const emoji = str(payload.emoji);
    return { kind: 'reaction', channelMessageId: target, emoji: emoji ? emoji : null, sentAt };
  }
  if (type === 'edit') {
    const original = str(payload.original_message_id);
    if (!original) throw new Error('an edit without original_message_id');
    const edited = isObject(payload.message) ? payload.message : {};
    const editedType = str(edited.type) ?? 'text';
    const inner = isObject(edited[editedType]) ? (edited[editedType] as Json) : {};
    return {
      kind: 'edit',
      channelMessageId: original,
      text: str(inner.body) ?? str(inner.caption) ?? '',
      sentAt,
    };
  }
  if (type === 'revoke') {
    const original = str(payload.original_message_id);
    if (!original) throw new Error('a revoke without original_message_id');
    // Kept as an edit: the original text stays in the message's edit history for audit.
    return {
      kind: 'edit',
      channelMessageId: original,
      text: 'This message was deleted.',
      sentAt,
      revoked: true,
    };
  }

  const context = isObject(message.context) ? message.context : {};
  const metadata: Json = { type };
  if (context.forwarded === true) metadata.forwarded = true;
  if (context.frequently_forwarded === true) metadata.frequentlyForwarded = true;
  if (isObject(message.referral)) metadata.referral = message.referral;
  const errors = list(message.errors).filter(isObject);
  if (errors.length) metadata.errors = errors;

  let text: string | undefined;
  let attachments: InboundAttachment[] | undefined;
  if (type === 'text') {
    text = str(payload.body) ?? '';
  } else if (MEDIA.has(type)) {
    text = str(payload.caption);
    const mediaId = str(payload.id);
    if (type === 'audio' && payload.voice === true) metadata.voice = true;
    if (type === 'sticker' && payload.animated === true) metadata.animated = true;
    if (mediaId) {
      const declaredType = str(payload.mime_type);
      attachments = [
        {
          name: str(payload.filename) ?? `${type}.${EXTENSION[type]}`,
          remoteRef: mediaId,
          ...(declaredType ? { declaredType } : {}),
        },
      ];
    } else {
      const error = errors[0];
      metadata.mediaError = {
        code: error ? str(error.code) : undefined,
        title: (error && (str(error.title) ?? str(error.message))) ?? 'Meta could not fetch the media',
      };
    }
  } else if (type === 'location') {
    const location = {
      latitude: Number(payload.latitude),
      longitude: Number(payload.longitude),
      ...(str(payload.name) ? { name: str(payload.name) } : {}),
      ...(str(payload.address) ? { address: str(payload.address) } : {}),
      ...(str(payload.url) ? { url: str(payload.url) } : {}),
    };
    metadata.location = location;
    text = [location.name, location.address, `${location.latitude}, ${location.longitude}`]
      .filter(Boolean)
      .join('\n');
  } else if (type === 'contacts') {
    const cards = list(message.contacts).filter(isObject);
    metadata.contacts = cards;
    text = cards
      .map((card) => {
        const name = isObject(card.name) ? (str(card.name.formatted_name) ?? '') : '';
        const phones = list(card.phones)
          .filter(isObject)
          .map((p) => str(p.phone))
          .filter(Boolean);
        return [name, ...phones].join(' ');
      })
      .join('\n');
  } else if (type === 'interactive') {
    const kind = str(payload.type) ?? 'interactive';
    const reply = isObject(payload[kind]) ? (payload[kind] as Json) : {};
    metadata.interactive = { type: kind, ...reply };
    text = str(reply.title) ?? str(reply.body) ?? `[${kind}]`;
  } else if (type === 'button') {
    metadata.button = { payload: str(payload.payload), text: str(payload.text) };
    text = str(payload.text) ?? str(payload.payload) ?? '';
  } else if (type === 'order') {
    metadata.order = payload;
    const items = list(payload.product_items).length;
    text = str(payload.text) ?? `Order of ${items} item${items === 1 ? '' : 's'}`;
  } else if (type === 'system') {
    metadata.system = payload;
    text = str(payload.body) ?? `[system: ${str(payload.type) ?? 'event'}]`;
  } else {
    // Never dropped: shown as unsupported with its type, the payload kept for later.
    const inner = type === 'unsupported' ? (str(payload.type) ?? 'unknown') : type;
    metadata.unsupportedType = inner;
    if (Object.keys(payload).length) metadata.payload = payload;
    text = `unsupported: ${inner}`;
  }

  const quoted = str(context.id);
  return {
    kind: 'message',
    channelMessageId: id,
    ...(text !== undefined ? { text } : {}),
    ...(attachments ? { attachments } : {}),
    ...(quoted ? { quotedChannelMessageId: quoted } : {}),
    sentAt,
    metadata,
  };
}

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

function statusOf(phoneNumberId: string, status: Json): WebhookItem | undefined {
  const wamid = str(status.id);
  if (!wamid) throw new Error('no id');
  let value = str(status.status);
  // A voice note played implies it was read.
  if (value === 'played') value = 'read';
  if (!value || !STATUSES.has(value)) return undefined;
  const error = list(status.errors).filter(isObject)[0];
  const callbackData = str(status.biz_opaque_callback_data);
  return {
    kind: 'status',
    phoneNumberId,
    wamid,
    status: value as 'sent' | 'delivered' | 'read' | 'failed',
    at: timestampOf(status.timestamp),
    ...(callbackData ? { callbackData } : {}),
    ...(error
      ? {
          error: {
            code: Number(error.code) || 0,
            title: str(error.title) ?? str(error.message) ?? 'Failed',
            ...(isObject(error.error_data) && str(error.error_data.details)
              ? { details: str(error.error_data.details)! }
              : {}),
          },
        }
      : {}),
  };
}

function templateStatusOf(wabaId: string | undefined, value: Json): WebhookItem | undefined {
  const name = str(value.message_template_name);
  const language = str(value.message_template_language);
  const status = str(value.event);
  if (!wabaId || !name || !language || !status) return undefined;
  return { kind: 'template_status', wabaId, name, language, status };
}
