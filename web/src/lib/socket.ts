import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, EventEnvelope, ServerToClientEvents } from '@switchboard/server/events';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Opens the realtime connection. The last processed sequence number goes with every (re)connect, so the server
 * replays what was missed before sending live events.
 */
export function connectRealtime(
  onEvent: (event: EventEnvelope) => void,
  onStatus: (connected: boolean) => void,
): AppSocket {
  let lastSeq: number | undefined;
  const socket: AppSocket = io({
    auth: (callback) => callback(lastSeq === undefined ? {} : { lastSeq }),
  });
  socket.on('ready', ({ seq }) => {
    lastSeq = Math.max(lastSeq ?? 0, seq);
    onStatus(true);
  });
  socket.on('event', (event) => {
    lastSeq = event.seq;
    onEvent(event);
  });
  socket.on('disconnect', () => onStatus(false));
  return socket;
}
