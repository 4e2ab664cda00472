import type { Server } from 'socket.io';

/** What this module needs of an engine.io transport: its `send`, and for WebSocket, the TCP socket under it. */
interface Transport {
  name: string;
  send(packets: unknown[]): void;
  socket?: { _socket?: { cork(): void; uncork(): void } };
}

const coalescing = Symbol('coalescing');

/**
 * Makes each WebSocket transport of `io` write the packets it sends together in one go: its TCP socket is corked
 * while it writes them, frame by frame, and uncorked after, so they leave in one `writev` instead of one each.
 * Packets come together when a socket is sent several events while its last write is still being completed (a
 * transaction's events, delivered one after the other): engine.io keeps them and sends them at once, and without
 * this each of their frames was a system call of its own and, over loopback, a wake-up of the reader.
 */
export function coalesceWebSocketWrites(io: Server): void {
  io.engine.on(
    'connection',
    (connection: { transport: Transport; on(event: 'upgrade', f: (t: Transport) => void): void }) => {
      coalesce(connection.transport);
      connection.on('upgrade', coalesce);
    },
  );
}

function coalesce(transport: Transport & { [coalescing]?: true }): void {
  if (transport.name !== 'websocket' || transport[coalescing]) return;
  transport[coalescing] = true;
  const send = transport.send.bind(transport);
  transport.send = (packets) => {
    const socket = transport.socket?._socket;
    if (!socket || packets.length < 2) return send(packets);
    socket.cork();
    try {
      send(packets);
    } finally {
      socket.uncork();
    }
  };
}
