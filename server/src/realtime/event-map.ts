/**
 * The realtime contract, shared by the server and the web client: every event name with its payload type.
 * Each delivered event is wrapped in an envelope with the tenant's sequence number.
 */
export type Presence = 'available' | 'away' | 'rona' | 'offline';

export interface ServerEventMap {
  'presence.changed': { userId: string; status: Presence; awayReason: string | null; changedAt: string };
  'operator.changed': { userId: string; name: string; role: string; capacity: number; active: boolean };
  'group.changed': { groupId: string; name: string };
  'membership.changed': { userId: string; groupIds: string[] };
  /** The operator's sign-ins were ended (deactivated, a new password): their sockets close after this event. */
  'operator.signed_out': { userId: string };
  'tenant.settings.changed': {
    wrapupRequired: boolean;
    endMessage: string | null;
    defaultGroupId: string | null;
    timezone: string;
    retentionDays: number | null;
  };
  'session.tags.changed': {
    sessionId: string;
    tags: Array<{ id: string; name: string; color: string | null }>;
  };
  /** No personal data: an erased contact must not live on in the event log. */
  'contact.changed': {
    contactId: string;
    change: 'updated' | 'merged' | 'erased';
    mergedIntoId: string | null;
  };
  'session.changed': { session: SessionSummary };
  'session.timeline': TimelineEntry;
  'offer.created': OfferSummary;
  'offer.closed': {
    offerId: string;
    sessionId: string;
    reason: 'accepted' | 'expired' | 'withdrawn' | 'declined';
  };
  'message.created': MessageSummary;
  'message.updated': MessageSummary;
  'visitor.message': VisitorMessage;
  'visitor.message.updated': VisitorMessage;
  'visitor.session': {
    sessionId: string;
    state: 'waiting' | 'offered' | 'active' | 'ended';
    operators: string[];
  };
  'visitor.typing': { sessionId: string; typing: boolean; name: string | null };
}

export type ServerEventName = keyof ServerEventMap;

export interface SessionSummary {
  id: string;
  state: 'waiting' | 'offered' | 'active' | 'ended';
  channel: 'webchat' | 'whatsapp' | 'messenger';
  channelAccountId: string;
  sourceName: string;
  sourceUrl: string | null;
  groupId: string | null;
  groupName: string | null;
  contact: { id: string; name: string | null };
  priority: number;
  queuedAt: string;
  acceptedAt: string | null;
  endedAt: string | null;
  endedBy: string | null;
  endReason: string | null;
  wrapupReasonId: string | null;
  wrapupNote: string | null;
  rating: number | null;
  resumedFromId: string | null;
  lastCustomerMessageAt: string | null;
  participants: Array<{ userId: string; name: string; role: 'owner' | 'guest' }>;
  /** A system message carries its key and values, so the list can show it in the operator's language. */
  lastMessage: {
    text: string | null;
    authorKind: string;
    at: string;
    systemText?: string | null;
    systemVars?: Record<string, string> | null;
  } | null;
  firstMessage: string | null;
  tagIds: string[];
  /** The customer's messages no operator has read yet (still `received`). */
  unreadCount: number;
  /** What the composer may send now; pushed when it changes (a customer message, the window's end, a lock). */
  composer?: ComposerSummary;
}

/** What may be sent in a session now (see ComposerState in channels/channel-adapter.ts). */
export interface ComposerSummary {
  freeText: boolean;
  freeTextUntil: string | null;
  otherwise: 'templates' | 'nothing';
  reason?: string;
  lockedUntilReply?: boolean;
  maxTextLength: number;
}

export interface MessageSummary {
  id: string;
  sessionId: string;
  /** The sender's own id (the workspace's composer, the widget): lets a client replace its optimistic copy. */
  clientMessageId: string | null;
  direction: 'in' | 'out' | 'internal';
  authorKind: 'customer' | 'operator' | 'system' | 'page_inbox';
  author: { userId: string; name: string } | null;
  text: string | null;
  quotedMessageId: string | null;
  status: 'received' | 'sending' | 'sent' | 'delivered' | 'read' | 'error';
  errorCode: string | null;
  errorReason: string | null;
  createdAt: string;
  metadata: Record<string, unknown>;
}

export interface OfferSummary {
  id: string;
  sessionId: string;
  kind: 'queue' | 'transfer' | 'conference';
  expiresAt: string;
  fromUserId: string | null;
  session: SessionSummary;
}

export interface TimelineEntry {
  id: number;
  sessionId: string;
  type: string;
  actorKind: string;
  actorUserId: string | null;
  data: Record<string, unknown>;
  at: string;
}

/** Events for the web chat widget: only what the customer may see. */
export interface VisitorMessage {
  id: string;
  clientMessageId: string | null;
  direction: 'in' | 'out';
  authorKind: 'customer' | 'operator' | 'system';
  authorName: string | null;
  text: string | null;
  status: 'received' | 'sending' | 'sent' | 'delivered' | 'read' | 'error';
  createdAt: string;
  /** The message's files; the widget asks for short-lived links to show or download them. */
  files: VisitorFile[];
}

export interface VisitorFile {
  id: string;
  name: string;
  size: number | null;
  contentType: string | null;
  /** `blocked`: a type the company does not accept; only its name and type were kept. */
  status: 'pending' | 'stored' | 'blocked' | 'error';
  error: string | null;
  /** Set once the thumbnail exists (announced with `visitor.message.updated`). */
  thumbnail: { width: number; height: number } | null;
}

export interface EventEnvelope<N extends ServerEventName = ServerEventName> {
  seq: number;
  name: N;
  payload: ServerEventMap[N];
  at: string;
}

/**
 * What the client sends when it connects: `lastSeq` is the last sequence number it processed. The server then
 * replays everything after it that the client may see, in order, before any live event.
 */
export interface HandshakeAuth {
  lastSeq?: number;
  /** An API key, for integrations that use the socket instead of a cookie session. */
  token?: string;
}

/** What the socket emits to the client. */
export interface ServerToClientEvents {
  event: (envelope: EventEnvelope) => void;
  /** After connecting or resuming: everything up to `seq` has been sent. */
  ready: (info: { seq: number; replayed: number }) => void;
  /** A passing signal (typing): not numbered, not replayed. */
  ephemeral: (signal: { name: string; payload: unknown }) => void;
}

export type Ack<T> = (
  result: { ok: true; data: T } | { ok: false; error: { code: string; message: string } },
) => void;

/** What the client may emit; each is authorised on the server. */
export interface ClientToServerEvents {
  'presence.set': (
    input: { status: 'available' | 'away' | 'offline'; awayReason?: string },
    ack: Ack<{ status: Presence }>,
  ) => void;
  'offer.accept': (input: { offerId: string }, ack: Ack<{ sessionId: string }>) => void;
  'message.send': (
    input: { sessionId: string; text: string; quotedMessageId?: string; clientMessageId?: string },
    ack: Ack<{ messageId: string; status: string }>,
  ) => void;
  /** Sends a failed message again (as `POST /sessions/:id/messages/:messageId/retry`). */
  'message.retry': (
    input: { sessionId: string; messageId: string },
    ack: Ack<{ messageId: string; status: string }>,
  ) => void;
  'session.read': (input: { sessionId: string; upToMessageId: string }, ack: Ack<{ read: number }>) => void;
  'session.typing': (input: { sessionId: string; typing: boolean }, ack: Ack<{ ok: boolean }>) => void;
  /** Live messages of a session the operator does not take part in (a supervisor watching). */
  'session.watch': (input: { sessionId: string }, ack: Ack<{ watching: boolean }>) => void;
  'session.unwatch': (input: { sessionId: string }, ack: Ack<{ watching: boolean }>) => void;
}

/** Rooms an event can be addressed to. */
export const rooms = {
  tenant: (tenantId: string) => `tenant:${tenantId}`,
  group: (groupId: string) => `group:${groupId}`,
  operator: (userId: string) => `operator:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  /** Supervisors and administrators of the tenant. */
  supervisors: (tenantId: string) => `supervisors:${tenantId}`,
  /** A web chat visitor's widget. */
  visitor: (visitorId: string) => `visitor:${visitorId}`,
  /** Sockets that see every group of the tenant (administrators, API keys). */
  allGroups: (tenantId: string) => `all-groups:${tenantId}`,
};
