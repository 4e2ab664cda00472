import type { FastifyInstance } from 'fastify';
import { Server, type Namespace, type Socket } from 'socket.io';
import type { TSchema } from 'typebox';
import { resolveActor } from '../auth/access-plugin.js';
import { hasRole, type Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { toAppError } from '../http/error-handler.js';
import type {
  Ack,
  ClientToServerEvents,
  EventEnvelope,
  HandshakeAuth,
  ServerToClientEvents,
} from './event-map.js';
import { rooms } from './event-map.js';
import { EVENTS_CHANNEL, type EventsCommitted, type NotifiedEvent } from './record-event.js';
import { coalesceWebSocketWrites } from './coalesced-writes.js';
import { matchesSchema } from '../lib/schema-check.js';
import { runEvery } from '../lib/run-every.js';
import { createEventFeed, type EventFeed } from './event-feed.js';
import { currentSeq, eventsAfter, lastSeqs, numberedEvents } from './realtime-events.repo.js';
import { startEventRelay, type EventRelay } from './event-relay.js';

type AckData<F> = F extends (input: never, ack: Ack<infer D>) => void ? D : never;

/** Who holds a socket: an operator (or API key), or a web chat visitor. */
export interface Principal {
  tenantId: string;
  actor?: Actor;
  visitorId?: string;
}

interface SocketData {
  principal: Principal;
  /** While replaying missed events, live ones wait here so the client gets everything in order, once. */
  pending: EventEnvelope[] | null;
  lastSentSeq: number;
}

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AppIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type AppNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeDeps {
  database: Database;
  now: () => Date;
  /** Origins whose pages may open an operator socket with the session cookie (cross-site WebSocket hijacking guard). */
  allowedOrigins: string[];
  /** Finds the visitor behind a web chat widget's handshake (public key and visitor token). */
  authenticateVisitor?: (auth: Record<string, unknown>) => Promise<Principal | undefined>;
}

export interface Realtime {
  io: AppIo;
  /** Registers an operator socket event with its payload schema; every handler receives the socket's actor. */
  handle<E extends keyof ClientToServerEvents>(
    name: E,
    schema: TSchema,
    handler: (
      actor: Actor,
      input: Parameters<ClientToServerEvents[E]>[0],
      socket: AppSocket,
    ) => Promise<AckData<ClientToServerEvents[E]>>,
  ): void;
  /**
   * The relay of events written without a number (event-relay.ts); its `flush` also waits until every event handed
   * to this process so far has reached its sockets.
   */
  relay: EventRelay;
  close(): Promise<void>;
}

function roomsFor(principal: Principal): string[] {
  if (principal.visitorId) return [rooms.visitor(principal.visitorId)];
  const actor = principal.actor!;
  const list = [rooms.tenant(actor.tenantId)];
  if (actor.kind === 'user') list.push(rooms.operator(actor.id));
  if (hasRole(actor, 'supervisor')) list.push(rooms.supervisors(actor.tenantId));
  if (actor.groupIds === 'all') list.push(rooms.allGroups(actor.tenantId));
  else list.push(...actor.groupIds.map(rooms.group));
  return list;
}

/** How often a process on PostgreSQL compares what its sockets got with the tenants' event counters. */
const COUNT_EVERY_MS = 2_000;

/**
 * Hands the feed the tenants' counters every {@link COUNT_EVERY_MS}, on PostgreSQL: another process's events
 * reach this one's sockets in a NOTIFY sent after its commit, and a process that dies between the two (or whose
 * NOTIFY fails) would leave them unseen here until the tenant's next event. The embedded database has one process.
 */
function countNow(database: Database, feed: EventFeed, onError: (error: unknown) => void) {
  if (database.driver !== 'postgres') return async () => {};
  return runEvery(COUNT_EVERY_MS, () =>
    lastSeqs(database.db)
      .then((counters) => feed.counted(counters))
      .catch(onError),
  );
}

/**
 * Socket.IO on the app's HTTP server: operators on `/`, web chat widgets on `/webchat`. Events arrive only after
 * their commit: handed over by this process's transactions, read back when another process tells of its own (or
 * the counters show them), or in the relay's NOTIFY; they reach the sockets of this process whose rooms they
 * address. A client that reconnects with `lastSeq` gets what it missed first, in order, once.
 */
export async function attachRealtime(app: FastifyInstance, deps: RealtimeDeps): Promise<Realtime> {
  const io: AppIo = new Server(app.server, {
    serveClient: false,
    // The widget runs on customers' sites, so any origin may connect, but never with credentials: operator
    // sockets are checked against our own origins in their namespace (cross-site WebSocket hijacking guard).
    cors: { origin: true, credentials: false },
  });
  coalesceWebSocketWrites(io);
  const namespaces: AppNamespace[] = [io.of('/')];
  const handlers: Array<(socket: AppSocket) => void> = [];

  io.of('/').use(async (socket, next) => {
    try {
      const origin = socket.handshake.headers.origin;
      if (origin && !deps.allowedOrigins.includes(origin))
        return next(AppError.forbidden('This page may not connect'));
      const auth = (socket.handshake.auth ?? {}) as HandshakeAuth;
      const cookies = app.parseCookie(socket.request.headers.cookie ?? '');
      const headers = { authorization: typeof auth.token === 'string' ? `Bearer ${auth.token}` : undefined };
      const resolved = await resolveActor(deps.database, headers, cookies, deps.now());
      if (!resolved) return next(AppError.unauthenticated());
      socket.data.principal = { tenantId: resolved.actor.tenantId, actor: resolved.actor };
      socket.data.pending = [];
      socket.data.lastSentSeq = 0;
      next();
    } catch (error) {
      next(toAppError(error as Error));
    }
  });

  if (deps.authenticateVisitor) {
    const webchat = io.of('/webchat');
    namespaces.push(webchat);
    webchat.use(async (socket, next) => {
      try {
        const principal = await deps.authenticateVisitor!(
          (socket.handshake.auth ?? {}) as Record<string, unknown>,
        );
        if (!principal) return next(AppError.unauthenticated('Unknown widget or visitor'));
        socket.data.principal = principal;
        socket.data.pending = [];
        socket.data.lastSentSeq = 0;
        next();
      } catch (error) {
        next(toAppError(error as Error));
      }
    });
    webchat.on('connection', (socket: AppSocket) => void start(socket));
  }

  io.of('/').on('connection', (socket: AppSocket) => {
    for (const register of handlers) register(socket);
    void start(socket);
  });

  async function start(socket: AppSocket): Promise<void> {
    const { principal } = socket.data;
    await socket.join(roomsFor(principal));
    try {
      const lastSeq = Number((socket.handshake.auth as HandshakeAuth).lastSeq);
      let replayed = 0;
      if (Number.isInteger(lastSeq) && lastSeq >= 0) {
        const allGroups = principal.actor?.groupIds === 'all';
        const missed = await eventsAfter(
          deps.database.db,
          principal.tenantId,
          lastSeq,
          roomsFor(principal),
          allGroups,
        );
        for (const envelope of missed) send(socket, envelope);
        replayed = missed.length;
      }
      const seq = await currentSeq(deps.database.db, principal.tenantId);
      for (const envelope of socket.data.pending ?? []) send(socket, envelope);
      socket.data.pending = null;
      socket.emit('ready', { seq: Math.max(seq, socket.data.lastSentSeq), replayed });
    } catch (error) {
      app.log.error({ err: error }, 'realtime replay failed');
      socket.disconnect(true);
    }
  }

  function send(socket: AppSocket, envelope: EventEnvelope): void {
    if (envelope.seq <= socket.data.lastSentSeq) return;
    socket.data.lastSentSeq = envelope.seq;
    socket.emit('event', envelope);
  }

  function targets(event: NotifiedEvent): Set<AppSocket> {
    const sockets = new Set<AppSocket>();
    const addressed = [...event.rooms];
    if (event.rooms.some((room) => room.startsWith('group:')))
      addressed.push(rooms.allGroups(event.tenantId));
    for (const namespace of namespaces) {
      for (const room of addressed) {
        namespace.adapter.rooms.get(room)?.forEach((id) => {
          const socket = namespace.sockets.get(id);
          if (socket && socket.data.principal?.tenantId === event.tenantId) sockets.add(socket);
        });
      }
    }
    return sockets;
  }

  /**
   * Sockets by namespace, as ids to broadcast to: an event is then encoded once for all its sockets of a namespace,
   * not once per socket.
   */
  function byNamespace(sockets: Iterable<AppSocket>): Map<AppNamespace, string[]> {
    const ids = new Map<AppNamespace, string[]>();
    for (const socket of sockets) {
      const list = ids.get(socket.nsp) ?? [];
      ids.set(socket.nsp, list);
      list.push(socket.id);
    }
    return ids;
  }

  async function deliver(event: NotifiedEvent): Promise<void> {
    if (event.ephemeral) {
      for (const [namespace, ids] of byNamespace(targets(event)))
        namespace.to(ids).emit('ephemeral', event.ephemeral);
      return;
    }
    const envelope =
      event.envelope ??
      (await numberedEvents(deps.database.db, event.tenantId, event.seq - 1, event.seq))[0]?.envelope;
    if (!envelope) return;
    const now: AppSocket[] = [];
    for (const socket of targets(event)) {
      if (envelope.name === 'membership.changed')
        await followMembership(socket, envelope as EventEnvelope<'membership.changed'>);
      if (socket.data.pending) socket.data.pending.push(envelope);
      else if (envelope.seq > socket.data.lastSentSeq) {
        socket.data.lastSentSeq = envelope.seq;
        now.push(socket);
      }
    }
    for (const [namespace, ids] of byNamespace(now)) namespace.to(ids).emit('event', envelope);
    if (envelope.name === 'operator.signed_out')
      signOut(targets(event), (envelope as EventEnvelope<'operator.signed_out'>).payload.userId);
  }

  /** The sockets of an operator whose sign-ins ended are closed; a browser still signed in connects again. */
  function signOut(sockets: Iterable<AppSocket>, userId: string) {
    for (const socket of sockets) {
      const actor = socket.data.principal.actor;
      if (actor?.kind === 'user' && actor.id === userId) socket.disconnect(true);
    }
  }

  /** An operator added to or removed from a group starts or stops receiving its events at once. */
  async function followMembership(socket: AppSocket, envelope: EventEnvelope<'membership.changed'>) {
    const actor = socket.data.principal.actor;
    if (!actor || actor.kind !== 'user' || actor.id !== envelope.payload.userId || actor.groupIds === 'all')
      return;
    for (const groupId of actor.groupIds) await socket.leave(rooms.group(groupId));
    actor.groupIds = envelope.payload.groupIds;
    await socket.join(actor.groupIds.map(rooms.group));
  }

  // Events reach this process's sockets in their numbers' order, once, however they arrive (event-feed.ts): handed
  // over by this process's transactions, in the relay's NOTIFY, or told of by another process and read back.
  const feed = createEventFeed({
    delivered: await lastSeqs(deps.database.db),
    read: (tenantId, after, upTo) => numberedEvents(deps.database.db, tenantId, after, upTo),
    deliver,
    onError: (error) => app.log.error({ err: error }, 'realtime delivery failed'),
  });
  const unlisten = await deps.database.listen(EVENTS_CHANNEL, (payload) => {
    try {
      // NOTIFY's text, or events as this process recorded them.
      const parsed = (typeof payload === 'string' ? JSON.parse(payload) : payload) as
        NotifiedEvent | NotifiedEvent[] | EventsCommitted;
      if (Array.isArray(parsed)) feed.numbered(parsed);
      else if ('upTo' in parsed) feed.committed(parsed);
      else if (parsed.ephemeral) feed.ephemeral(parsed);
      else feed.numbered([parsed]);
    } catch (error) {
      app.log.error({ err: error }, 'realtime notification unreadable');
    }
  });
  const relay = await startEventRelay(deps.database, (error) =>
    app.log.error({ err: error }, 'realtime event relay failed'),
  );
  const stopCounting = countNow(deps.database, feed, (error) =>
    app.log.error({ err: error }, 'realtime: reading the event counters failed'),
  );

  return {
    io,
    handle(name, schema, handler) {
      handlers.push((socket) => {
        socket.on(name, (async (input: unknown, ack: Ack<unknown>) => {
          const reply = typeof ack === 'function' ? ack : () => {};
          try {
            if (!matchesSchema(schema, input))
              throw new AppError('validation_failed', `Invalid ${name} payload`);
            const data = await handler(socket.data.principal.actor!, input as never, socket);
            reply({ ok: true, data });
          } catch (error) {
            const appError = toAppError(error as Error);
            if (appError.status >= 500) app.log.error({ err: error }, `socket event ${name} failed`);
            reply({ ok: false, error: { code: appError.code, message: appError.message } });
          }
        }) as never);
      });
    },
    relay: {
      async flush() {
        await relay.flush();
        await feed.drained();
      },
      close: () => relay.close(),
    },
    async close() {
      await stopCounting();
      await relay.close();
      await unlisten();
      await feed.drained();
      for (const namespace of namespaces) namespace.disconnectSockets(true);
      // Only the socket engine: Socket.IO's own close() would also close the HTTP server and wait for every
      // keep-alive connection, which Fastify's close already ends.
      io.engine.close();
    },
  };
}
