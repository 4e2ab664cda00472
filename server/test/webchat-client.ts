import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { EventEnvelope } from '../src/realtime/event-map.js';
import { call } from './factories.js';

/** A web chat customer as the widget is: REST calls with the visitor token, and the widget's socket. */
export interface WebchatCustomer {
  token: string;
  visitorId: string;
  events: EventEnvelope[];
  ephemeral: Array<{ name: string; payload: any }>;
  socket: Socket | null;
  send(text: string, clientMessageId?: string): Promise<{ status: number; body: any }>;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  connect(lastSeq?: number): Promise<void>;
  waitFor(predicate: (event: EventEnvelope) => boolean, timeoutMs?: number): Promise<EventEnvelope>;
  close(): void;
}

export async function startWebchat(
  url: string,
  key: string,
  start: { question?: string; name?: string; email?: string; pageUrl?: string } = {},
): Promise<WebchatCustomer> {
  const started = await call(url, 'POST', `/api/v1/webchat/${key}/chat`, { body: start });
  if (started.status !== 200)
    throw new Error(`start failed: ${started.status} ${JSON.stringify(started.body)}`);
  const token = started.body.token as string;
  const customer: WebchatCustomer = {
    token,
    visitorId: started.body.visitorId,
    events: [],
    ephemeral: [],
    socket: null,
    request: (method, path, body) =>
      call(url, method, `/api/v1/webchat/${key}${path}`, {
        headers: { 'x-visitor-token': token },
        ...(body !== undefined ? { body } : {}),
      }),
    send: (text, clientMessageId = randomUUID()) =>
      customer.request('POST', '/messages', { clientMessageId, text }),
    async connect(lastSeq) {
      const socket = io(`${url}/webchat`, {
        transports: ['websocket'],
        auth: { key, token, ...(lastSeq !== undefined ? { lastSeq } : {}) },
        reconnection: false,
        forceNew: true,
      });
      socket.on('event', (event: EventEnvelope) => customer.events.push(event));
      socket.on('ephemeral', (signal: { name: string; payload: unknown }) => customer.ephemeral.push(signal));
      await new Promise<void>((resolve, reject) => {
        socket.once('ready', () => resolve());
        socket.once('connect_error', reject);
      });
      customer.socket = socket;
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const start = Date.now();
      for (;;) {
        const found = customer.events.find(predicate);
        if (found) return found;
        if (Date.now() - start > timeoutMs)
          throw new Error(
            `widget got no matching event; got ${customer.events.map((e) => e.name).join(', ')}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => customer.socket?.close(),
  };
  return customer;
}
