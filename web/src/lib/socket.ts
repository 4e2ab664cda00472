import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, EventEnvelope, ServerToClientEvents } from '@switchboard/server/events';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let current: AppSocket | null = null;

/** The open realtime connection, for features that emit (presence, send, read, typing). */
export function getSocket(): AppSocket | null {
  return current;
}

/**
 * Opens the realtime connection. The last processed sequence number goes with every (re)connect, so the server
 * replays what was missed before sending live events.
 */
export function connectRealtime(handlers: {
  onEvent: (event: EventEnvelope) => void;
  onEphemeral: (signal: { name: string; payload: unknown }) => void;
  onStatus: (connected: boolean) => void;
  /** The server closed the connection (this operator was signed out, or the server is stopping): no reconnect by itself. */
  onClosedByServer: () => void;
}): AppSocket {
  let lastSeq: number | undefined;
  const socket: AppSocket = io({
    auth: (callback) => callback(lastSeq === undefined ? {} : { lastSeq }),
  });
  socket.on('ready', ({ seq }) => {
    lastSeq = Math.max(lastSeq ?? 0, seq);
    handlers.onStatus(true);
  });
  socket.on('event', (event) => {
    lastSeq = event.seq;
    handlers.onEvent(event);
  });
  socket.on('ephemeral', handlers.onEphemeral);
  socket.on('disconnect', (reason) => {
    handlers.onStatus(false);
    if (reason === 'io server disconnect') handlers.onClosedByServer();
  });
  current = socket;
  return socket;
}

/** Emits with an acknowledgement; a refusal becomes an error with the server's code. */
export async function emitAck<T>(
  name: keyof ClientToServerEvents,
  input: Record<string, unknown>,
): Promise<T> {
  const socket = current;
  if (!socket) throw Object.assign(new Error('Not connected'), { code: 'network' });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the event map types each name; one path here
  const result = (await (socket.timeout(10_000) as any).emitWithAck(name, input)) as
    { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.data;
}
