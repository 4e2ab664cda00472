import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { graphRequest } from './graph-request.js';

describe('a call to the Graph API', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('sends the method, headers and body, and answers the status and the body', async () => {
    const seen: string[] = [];
    const url = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push(`${request.method} ${request.url} ${request.headers.authorization} ${body}`);
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end('{"error":{"code":100}}');
      });
    });
    const answer = await graphRequest(`${url}/v23.0/123/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer token', 'content-type': 'application/json' },
      body: '{"to":"420"}',
      timeoutMs: 5_000,
    });
    expect(answer).toEqual({ status: 400, ok: false, text: '{"error":{"code":100}}' });
    expect(seen).toEqual(['POST /v23.0/123/messages Bearer token {"to":"420"}']);
  });

  it('rejects when nothing listens, and when the answer does not come in time', async () => {
    const closed = await listen(() => undefined);
    server!.close();
    server = undefined;
    await expect(graphRequest(closed, { method: 'GET', timeoutMs: 5_000 })).rejects.toThrow();

    const silent = await listen(() => undefined);
    const started = Date.now();
    await expect(graphRequest(silent, { method: 'GET', timeoutMs: 300 })).rejects.toThrow(/timeout/i);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
