import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  EventEnvelope,
  ServerToClientEvents,
} from '../../server/src/realtime/event-map.js';
import type { BenchOperator } from './seed-bench.js';

export type OperatorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Connects one operator over the real WebSocket with their session cookie, as the workspace does, and resolves
 * once the server says it is `ready`. Unlike the test helper (server/test/socket-client.ts) it keeps no event
 * history: a thousand sockets receiving every event of a run would measure the bench's own memory.
 */
export function connectOperator(
  url: string,
  operator: BenchOperator,
  onEvent: (event: EventEnvelope) => void,
  timeoutMs = 30_000,
): Promise<OperatorSocket> {
  const socket: OperatorSocket = io(url, {
    transports: ['websocket'],
    extraHeaders: { cookie: operator.cookie },
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
  });
  socket.on('event', onEvent);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('operator socket not ready in time'));
    }, timeoutMs);
    socket.once('ready', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
  });
}

/** Connects many operators, `batch` handshakes at a time, so the sign-in burst does not dominate the node. */
export async function connectOperators(
  url: string,
  operators: BenchOperator[],
  onEvent: (event: EventEnvelope, index: number) => void,
  batch = 50,
): Promise<OperatorSocket[]> {
  const sockets: OperatorSocket[] = [];
  for (let i = 0; i < operators.length; i += batch) {
    const slice = operators.slice(i, i + batch);
    sockets.push(
      ...(await Promise.all(
        slice.map((operator, j) => connectOperator(url, operator, (event) => onEvent(event, i + j))),
      )),
    );
  }
  return sockets;
}

/** Emits a socket event and resolves with its acknowledged data, or rejects with the server's error. */
export function emitAck<T>(
  socket: OperatorSocket,
  name: keyof ClientToServerEvents,
  input: Record<string, unknown>,
  timeoutMs = 30_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    (
      socket.timeout(timeoutMs) as unknown as {
        emit(event: string, input: unknown, ack: (error: Error | null, result: unknown) => void): void;
      }
    ).emit(name, input, (error, result) => {
      if (error) return reject(error);
      const outcome = result as { ok: boolean; data?: T; error?: { code: string; message: string } };
      if (outcome.ok) resolve(outcome.data as T);
      else reject(new Error(`${name}: ${outcome.error?.code} ${outcome.error?.message}`));
    });
  });
}

/** Marks every operator available, so new sessions are routed and offered to them. */
export async function makeAvailable(sockets: OperatorSocket[]): Promise<void> {
  await Promise.all(sockets.map((socket) => emitAck(socket, 'presence.set', { status: 'available' })));
}

export function closeAll(sockets: OperatorSocket[]): void {
  for (const socket of sockets) socket.close();
}
