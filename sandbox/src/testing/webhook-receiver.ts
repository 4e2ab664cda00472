import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One webhook POST as the receiver got it. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: Record<string, unknown>;
  /** Whether X-Hub-Signature-256 matches an HMAC of the raw bytes with the app secret. */
  signatureValid: boolean;
  sha1Valid: boolean;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Base URL of files the receiver serves (like the app's own media URLs). */
  filesUrl: string;
  /** Serves `bytes` at `${filesUrl}/${name}`; other names answer 404. */
  serve(name: string, bytes: Buffer, contentType: string): string;
  /** Status codes to answer the next POSTs with (then 200). */
  failNext(...statuses: number[]): void;
  /** Resolves once at least `count` POSTs have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

function check(
  header: string | string[] | undefined,
  prefix: string,
  algorithm: string,
  secret: string,
  raw: Buffer,
) {
  if (typeof header !== 'string' || !header.startsWith(prefix)) return false;
  const given = Buffer.from(header.slice(prefix.length), 'hex');
  const expected = createHmac(algorithm, secret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A small real HTTP server standing in for Switchboard's webhook endpoint: answers the `hub.*` handshake with
 * the verify token, records POSTs with their raw bytes, and checks signatures as a connector must.
 */
export async function startWebhookReceiver(appSecret: string, verifyToken: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const statuses: number[] = [];
  const waiters: (() => void)[] = [];
  const files = new Map<string, { bytes: Buffer; contentType: string }>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      const file = files.get(decodeURIComponent(url.pathname.slice('/files/'.length)));
      res.writeHead(file ? 200 : 404, { 'content-type': file?.contentType ?? 'text/plain' });
      res.end(file?.bytes ?? 'not found');
      return;
    }
    if (req.method === 'GET') {
      const ok =
        url.searchParams.get('hub.mode') === 'subscribe' &&
        url.searchParams.get('hub.verify_token') === verifyToken;
      res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
      res.end(ok ? (url.searchParams.get('hub.challenge') ?? '') : 'forbidden');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({
        path: url.pathname,
        headers: req.headers,
        raw,
        body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
        signatureValid: check(req.headers['x-hub-signature-256'], 'sha256=', 'sha256', appSecret, raw),
        sha1Valid: check(req.headers['x-hub-signature'], 'sha1=', 'sha1', appSecret, raw),
      });
      res.writeHead(statuses.shift() ?? 200);
      res.end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    filesUrl: `http://127.0.0.1:${port}/files`,
    serve: (name, bytes, contentType) => {
      files.set(name, { bytes, contentType });
      return `http://127.0.0.1:${port}/files/${encodeURIComponent(name)}`;
    },
    failNext: (...codes) => statuses.push(...codes),
    waitFor: async (count, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
