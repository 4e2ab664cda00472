import { io, type Socket } from 'socket.io-client';
import type { EventEnvelope, ServerEventMap } from '@switchboard/server/events';
import type { createStorage } from './storage';

/**
 * The widget's `/webchat` socket. The handshake's `auth` is a function, so every reconnection sends the latest
 * event number handled and the server replays what came after it. The operator's typing signal is passed on,
 * and cleared by itself if its "stopped" is lost.
 */
export function openSocket(
  base: string,
  key: string,
  storage: ReturnType<typeof createStorage>,
  on: {
    event: (envelope: EventEnvelope) => void;
    typing: (name: string | null) => void;
    /** Connected; `replayed` when the server replayed from a saved event number. */
    ready: (replayed: boolean) => void;
    down: () => void;
  },
): Socket {
  let replayFrom: number | undefined;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const advanceSeq = (seq: number) => {
    if (seq > (storage.get().lastSeq ?? -1)) storage.update({ lastSeq: seq });
  };
  const socket = io(`${base}/webchat`, {
    auth: (callback) => {
      const saved = storage.get();
      replayFrom = saved.lastSeq;
      callback({ key, token: saved.token, ...(replayFrom !== undefined ? { lastSeq: replayFrom } : {}) });
    },
  });
  socket.on('event', (envelope: EventEnvelope) => {
    advanceSeq(envelope.seq);
    on.event(envelope);
  });
  socket.on(
    'ephemeral',
    (signal: { name: string; payload: ServerEventMap['visitor.typing'] & { who: string } }) => {
      if (signal.name !== 'typing' || signal.payload.who !== 'operator') return;
      clearTimeout(typingTimer);
      const name = signal.payload.typing ? (signal.payload.name ?? 'The operator') : null;
      if (name) typingTimer = setTimeout(() => on.typing(null), 8000);
      on.typing(name);
    },
  );
  socket.on('ready', (info: { seq: number }) => {
    advanceSeq(info.seq);
    on.ready(replayFrom !== undefined);
  });
  socket.on('disconnect', on.down);
  socket.on('connect_error', () => {
    on.down();
    // Refused by the server (not a network error): Socket.IO does not retry by itself.
    if (!socket.active) setTimeout(() => socket.connect(), 5000);
  });
  return socket;
}
