import type { FastifyInstance } from 'fastify';
import { Server, type Socket } from 'socket.io';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
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
import { EVENTS_CHANNEL, type NotifiedEvent } from './record-event.js';
import { currentSeq, eventsAfter, eventAt } from './realtime-events.repo.js';

type AckData<F> = F extends (input: never, ack: Ack<infer D>) => void ? D : never;

interface SocketData {
  actor: Actor;
  /** While replaying missed events, live ones wait here so the client gets everything in order, once. */
  pending: EventEnvelope[] | null;
  lastSentSeq: number;
}

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AppIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeDeps {
  database: Database;
  now: () => Date;
  /** Origins whose pages may open a socket with the session cookie (cross-site WebSocket hijacking guard). */
  allowedOrigins: string[];
}

export interface Realtime {
  io: AppIo;
  /** Registers a client event with its authorisation; every handler receives the socket's actor. */
  handle<E extends keyof ClientToServerEvents>(
    name: E,
    schema: TSchema,
    handler: (
      actor: Actor,
      input: Parameters<ClientToServerEvents[E]>[0],
    ) => Promise<AckData<ClientToServerEvents[E]>>,
  ): void;
  close(): Promise<void>;
}

function roomsFor(actor: Actor): string[] {
  const list = [rooms.tenant(actor.tenantId)];
  if (actor.kind === 'user') list.push(rooms.operator(actor.id));
  if (hasRole(actor, 'supervisor')) list.push(rooms.supervisors(actor.tenantId));
  if (actor.groupIds === 'all') list.push(rooms.allGroups(actor.tenantId));
  else list.push(...actor.groupIds.map(rooms.group));
  return list;
}

/**
 * Socket.IO on the app's HTTP server. Events come from PostgreSQL NOTIFY (so from every process, and only
 * after commit), and reach the sockets of this process whose rooms they address.
 */
export async function attachRealtime(app: FastifyInstance, deps: RealtimeDeps): Promise<Realtime> {
  const io: AppIo = new Server(app.server, {
    serveClient: false,
    allowRequest: (request, callback) => {
      const origin = request.headers.origin;
      callback(null, !origin || deps.allowedOrigins.includes(origin));
    },
  });
  const handlers: Array<(socket: AppSocket) => void> = [];

  io.use(async (socket, next) => {
    try {
      const auth = (socket.handshake.auth ?? {}) as HandshakeAuth;
      const cookies = app.parseCookie(socket.request.headers.cookie ?? '');
      const headers = { authorization: typeof auth.token === 'string' ? `Bearer ${auth.token}` : undefined };
      const resolved = await resolveActor(deps.database, headers, cookies, deps.now());
      if (!resolved) return next(AppError.unauthenticated());
      socket.data.actor = resolved.actor;
      socket.data.pending = [];
      socket.data.lastSentSeq = 0;
      next();
    } catch (error) {
      next(toAppError(error as Error));
    }
  });

  io.on('connection', async (socket: AppSocket) => {
    for (const register of handlers) register(socket);
    const { actor } = socket.data;
    await socket.join(roomsFor(actor));
    try {
      const lastSeq = Number((socket.handshake.auth as HandshakeAuth).lastSeq);
      let replayed = 0;
      if (Number.isInteger(lastSeq) && lastSeq >= 0) {
        const missed = await eventsAfter(
          deps.database.db,
          actor.tenantId,
          lastSeq,
          roomsFor(actor),
          actor.groupIds === 'all',
        );
        for (const envelope of missed) send(socket, envelope);
        replayed = missed.length;
      }
      const seq = Math.max(await currentSeq(deps.database.db, actor.tenantId), socket.data.lastSentSeq);
      for (const envelope of socket.data.pending ?? []) send(socket, envelope);
      socket.data.pending = null;
      socket.emit('ready', { seq: Math.max(seq, socket.data.lastSentSeq), replayed });
    } catch (error) {
      app.log.error({ err: error }, 'realtime replay failed');
      socket.disconnect(true);
    }
  });

  function send(socket: AppSocket, envelope: EventEnvelope): void {
    if (envelope.seq <= socket.data.lastSentSeq) return;
    socket.data.lastSentSeq = envelope.seq;
    socket.emit('event', envelope);
  }

  function targets(event: NotifiedEvent): Set<AppSocket> {
    const adapterRooms = io.of('/').adapter.rooms;
    const ids = new Set<string>();
    const addRoom = (room: string) => adapterRooms.get(room)?.forEach((id) => ids.add(id));
    event.rooms.forEach(addRoom);
    if (event.rooms.some((room) => room.startsWith('group:'))) addRoom(rooms.allGroups(event.tenantId));
    const sockets = new Set<AppSocket>();
    for (const id of ids) {
      const socket = io.of('/').sockets.get(id);
      if (socket && socket.data.actor?.tenantId === event.tenantId) sockets.add(socket);
    }
    return sockets;
  }

  async function deliver(event: NotifiedEvent): Promise<void> {
    const envelope = event.envelope ?? (await eventAt(deps.database.db, event.tenantId, event.seq));
    if (!envelope) return;
    for (const socket of targets(event)) {
      if (envelope.name === 'membership.changed')
        await followMembership(socket, envelope as EventEnvelope<'membership.changed'>);
      if (socket.data.pending) socket.data.pending.push(envelope);
      else send(socket, envelope);
    }
  }

  /** An operator added to or removed from a group starts or stops receiving its events at once. */
  async function followMembership(socket: AppSocket, envelope: EventEnvelope<'membership.changed'>) {
    const { actor } = socket.data;
    if (actor.kind !== 'user' || actor.id !== envelope.payload.userId || actor.groupIds === 'all') return;
    for (const groupId of actor.groupIds) await socket.leave(rooms.group(groupId));
    actor.groupIds = envelope.payload.groupIds;
    await socket.join(actor.groupIds.map(rooms.group));
  }

  // Notifications arrive in commit order; a serial chain keeps them in that order even when one must be read back.
  let chain = Promise.resolve();
  const unlisten = await deps.database.listen(EVENTS_CHANNEL, (payload) => {
    chain = chain
      .then(() => deliver(JSON.parse(payload) as NotifiedEvent))
      .catch((error) => app.log.error({ err: error }, 'realtime delivery failed'));
  });

  return {
    io,
    handle(name, schema, handler) {
      handlers.push((socket) => {
        socket.on(name, (async (input: unknown, ack: Ack<unknown>) => {
          const reply = typeof ack === 'function' ? ack : () => {};
          try {
            if (!Value.Check(schema, input))
              throw new AppError('validation_failed', `Invalid ${name} payload`);
            const data = await handler(socket.data.actor, input as never);
            reply({ ok: true, data });
          } catch (error) {
            const appError = toAppError(error as Error);
            if (appError.status >= 500) app.log.error({ err: error }, `socket event ${name} failed`);
            reply({ ok: false, error: { code: appError.code, message: appError.message } });
          }
        }) as never);
      });
    },
    async close() {
      await unlisten();
      await chain;
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
