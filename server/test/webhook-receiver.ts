import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestApp } from './harness.js';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The body's exact bytes, as the signature covers them. */
  raw: string;
  body: { id: string; type: string; createdAt: string; data: Record<string, any> };
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** What it answers from now on. */
  answer(status: number, body?: string): void;
  close(): Promise<void>;
}

/** An integrator's endpoint for outbound webhooks, on loopback: records every request, answers what it is told. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let answer = { status: 200, body: 'ok' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    answer(status, body = '') {
      answer = { status, body };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A receiver for the test file: started before its tests, closed after them. */
export function useWebhookReceiver(): WebhookReceiver {
  let started: WebhookReceiver | undefined;
  beforeAll(async () => {
    started = await startWebhookReceiver();
  });
  afterAll(() => started?.close());
  const receiver = () => {
    if (!started) throw new Error('the receiver starts before the tests');
    return started;
  };
  return {
    get url() {
      return receiver().url;
    },
    get port() {
      return receiver().port;
    },
    get received() {
      return receiver().received;
    },
    answer: (status, body) => receiver().answer(status, body),
    close: () => receiver().close(),
  };
}

/** What `X-Switchboard-Signature-256` must say of a body signed with `secret`. */
export function webhookSignature(raw: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/**
 * Every event committed so far has been turned into deliveries, and none of them is waiting for its attempt: what
 * the receiver holds now is all it gets.
 */
export async function deliveriesSettled(t: TestApp): Promise<void> {
  await t.engine.webhooks.catchUp();
  await expect
    .poll(
      async () =>
        (
          await t.database.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending' AND attempts = 0`,
          )
        ).rows[0]!.n,
      { timeout: 10_000, interval: 100 },
    )
    .toBe(0);
}
