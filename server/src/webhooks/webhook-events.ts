import type { MessageSummary, TimelineEntry } from '../realtime/event-map.js';

/** What a tenant's endpoints can subscribe to (SPEC §8). */
export const WEBHOOK_EVENT_TYPES = [
  'session.created',
  'session.accepted',
  'session.transferred',
  'session.ended',
  'message.received',
  'message.sent',
  'message.status',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A test delivery an admin asks for; no endpoint subscribes to it. */
export const PING = 'ping';

/** Which timeline entries are which session event; the entry's own type travels in the body too. */
const SESSION_EVENT_OF: Record<string, WebhookEventType> = {
  created: 'session.created',
  resumed: 'session.created',
  accepted: 'session.accepted',
  taken_over: 'session.accepted',
  transfer_accepted: 'session.accepted',
  transferred: 'session.transferred',
  ended: 'session.ended',
};

/** The statuses an outbound message reaches that integrators are told of. */
const TOLD_STATUSES = new Set<MessageSummary['status']>(['sent', 'delivered', 'read', 'error']);

/** A realtime event as stored: the tenant's number for it, its name and payload. */
export interface StoredEvent {
  seq: number;
  name: string;
  payload: unknown;
  createdAt: string;
}

/** An event for endpoints, before the session's details are added. */
export interface WebhookEvent {
  type: WebhookEventType;
  /** In the body; the same for every endpoint. */
  id: string;
  /** One delivery per endpoint and key. */
  dedupeKey: string;
  sessionId: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/**
 * The webhook event a realtime event stands for, if any. Realtime events are what operators' screens are told;
 * webhooks are built from them so that every path that changes a session or a message (each records its events in
 * its transaction) reaches integrators too, with no second place to remember.
 *
 * `message.updated` is announced for any change (a reaction, a file's preview), so a status is keyed by the message
 * and the status: each status of a message is delivered once, in the order it was reached.
 */
export function webhookEventOf(event: StoredEvent): WebhookEvent | undefined {
  const id = `evt_${event.seq}`;
  if (event.name === 'session.timeline') {
    const entry = event.payload as TimelineEntry;
    const type = SESSION_EVENT_OF[entry.type];
    if (!type) return undefined;
    return {
      type,
      id,
      dedupeKey: id,
      sessionId: entry.sessionId,
      createdAt: event.createdAt,
      data: {
        timeline: {
          type: entry.type,
          actorKind: entry.actorKind,
          actorUserId: entry.actorUserId,
          data: entry.data,
          at: entry.at,
        },
      },
    };
  }
  if (event.name !== 'message.created' && event.name !== 'message.updated') return undefined;
  const message = event.payload as MessageSummary;
  if (message.direction === 'internal') return undefined;
  let type: WebhookEventType;
  let dedupeKey = id;
  if (event.name === 'message.created')
    type = message.direction === 'in' ? 'message.received' : 'message.sent';
  else if (message.direction === 'out' && TOLD_STATUSES.has(message.status)) {
    type = 'message.status';
    dedupeKey = `status:${message.id}:${message.status}`;
  } else return undefined;
  return {
    type,
    id,
    dedupeKey,
    sessionId: message.sessionId,
    createdAt: event.createdAt,
    data: { message: publicMessage(message) },
  };
}

/** A message as integrators get it: what the REST API shows of it. */
function publicMessage(message: MessageSummary) {
  return {
    id: message.id,
    sessionId: message.sessionId,
    direction: message.direction,
    authorKind: message.authorKind,
    author: message.author,
    text: message.text,
    quotedMessageId: message.quotedMessageId,
    status: message.status,
    errorCode: message.errorCode,
    errorReason: message.errorReason,
    createdAt: message.createdAt,
  };
}
