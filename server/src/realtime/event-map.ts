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
  'tenant.settings.changed': {
    wrapupRequired: boolean;
    endMessage: string | null;
    defaultGroupId: string | null;
    timezone: string;
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
}

export type ServerEventName = keyof ServerEventMap;

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
}

/** Rooms an event can be addressed to. */
export const rooms = {
  tenant: (tenantId: string) => `tenant:${tenantId}`,
  group: (groupId: string) => `group:${groupId}`,
  operator: (userId: string) => `operator:${userId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  /** Supervisors and administrators of the tenant. */
  supervisors: (tenantId: string) => `supervisors:${tenantId}`,
  /** Sockets that see every group of the tenant (administrators, API keys). */
  allGroups: (tenantId: string) => `all-groups:${tenantId}`,
};
