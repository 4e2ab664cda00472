import type { ResolvedOptions } from '../options.js';

/** One WhatsApp change value's worth of data for one business number. */
export interface WhatsAppEvent {
  product: 'whatsapp';
  phoneNumberId: string;
  field?: string;
  value: {
    contacts?: Record<string, unknown>[];
    messages?: Record<string, unknown>[];
    statuses?: Record<string, unknown>[];
    errors?: Record<string, unknown>[];
    [key: string]: unknown;
  };
}

/** One Messenger messaging event for one page. */
export interface MessengerEvent {
  product: 'messenger';
  pageId: string;
  event: Record<string, unknown>;
  /** Delivered under `standby` instead of `messaging` (another app owns the thread). */
  standby?: boolean;
}

export type WebhookEvent = WhatsAppEvent | MessengerEvent;

/**
 * The POST body for a group of WhatsApp events: one entry per WABA, one change per (number, field); events of
 * the same number and field share one `value` (Meta batches statuses and messages this way).
 */
export function buildWhatsAppPayload(
  options: ResolvedOptions,
  events: WhatsAppEvent[],
): Record<string, unknown> {
  const entries = new Map<
    string,
    { id: string; changes: { field: string; value: Record<string, unknown> }[] }
  >();
  for (const event of events) {
    const number = options.numbers.find((n) => n.phoneNumberId === event.phoneNumberId);
    const wabaId = number?.wabaId ?? event.phoneNumberId;
    const field = event.field ?? 'messages';
    const entry = entries.get(wabaId) ?? { id: wabaId, changes: [] };
    entries.set(wabaId, entry);
    if (field !== 'messages') {
      entry.changes.push({ field, value: event.value });
      continue;
    }
    let change = entry.changes.find(
      (c) =>
        c.field === 'messages' &&
        (c.value.metadata as { phone_number_id: string }).phone_number_id === number?.phoneNumberId,
    );
    if (!change) {
      change = {
        field,
        value: {
          messaging_product: 'whatsapp',
          metadata: {
            display_phone_number: number?.displayPhoneNumber ?? '',
            phone_number_id: event.phoneNumberId,
          },
        },
      };
      entry.changes.push(change);
    }
    mergeValue(change.value, event.value);
  }
  return { object: 'whatsapp_business_account', entry: [...entries.values()] };
}

function mergeValue(target: Record<string, unknown>, source: WhatsAppEvent['value']): void {
  for (const key of ['contacts', 'messages', 'statuses', 'errors'] as const) {
    const items = source[key];
    if (!items) continue;
    const existing = (target[key] as Record<string, unknown>[] | undefined) ?? [];
    for (const item of items) {
      if (key === 'contacts' && existing.some((c) => JSON.stringify(c) === JSON.stringify(item))) continue;
      existing.push(item);
    }
    target[key] = existing;
  }
}

/** The POST body for Messenger events: one entry per event, each with exactly one messaging event. */
export function buildMessengerPayload(events: MessengerEvent[], now: number): Record<string, unknown> {
  return {
    object: 'page',
    entry: events.map((e) => ({ id: e.pageId, time: now, [e.standby ? 'standby' : 'messaging']: [e.event] })),
  };
}
