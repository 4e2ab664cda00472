import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, EventEnvelope, ServerToClientEvents } from '../src/realtime/event-map.js';

export interface TestSocket {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  events: EventEnvelope[];
  ready: { seq: number; replayed: number };
  /** Resolves when an event matching `predicate` has arrived (or already had). */
  waitFor(predicate: (event: EventEnvelope) => boolean, timeoutMs?: number): Promise<EventEnvelope>;
  close(): void;
}

/** A real Socket.IO client over WebSocket, signed in with a session cookie or an API key. */
export async function connectSocket(
  url: string,
  auth: { cookie?: string; token?: string; lastSeq?: number; origin?: string },
): Promise<TestSocket> {
  const headers: Record<string, string> = {};
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.origin) headers.origin = auth.origin;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    transports: ['websocket'],
    extraHeaders: headers,
    auth: {
      ...(auth.lastSeq !== undefined ? { lastSeq: auth.lastSeq } : {}),
      ...(auth.token ? { token: auth.token } : {}),
    },
    reconnection: false,
    forceNew: true,
  });
  const events: EventEnvelope[] = [];
  const waiters = new Set<() => void>();
  socket.on('event', (event) => {
    events.push(event);
    waiters.forEach((w) => w());
  });
  const ready = await new Promise<{ seq: number; replayed: number }>((resolve, reject) => {
    socket.once('ready', resolve);
    socket.once('connect_error', reject);
  });
  return {
    socket,
    events,
    ready,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.name))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => socket.close(),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
