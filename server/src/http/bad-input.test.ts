import { connect } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groups } from '../db/schema.js';
import { call, createTestTenant, logIn, type Session, type TestTenant } from '../../test/factories.js';
import { startTestApp, type TestApp } from '../../test/harness.js';

let t: TestApp;
let tenant: TestTenant;
let admin: Session;

beforeAll(async () => {
  t = await startTestApp({ config: { BODY_LIMIT_BYTES: '4096' } });
  tenant = await createTestTenant(t.database);
  admin = await logIn(t.url, tenant.admin);
});
afterAll(() => t.close());

const groupCount = async () =>
  (
    await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(groups)
      .where(eq(groups.tenantId, tenant.id))
  )[0]!.n;

describe('bad input is refused with a stable code and changes nothing', () => {
  const cases: Array<
    [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number, string]
  > = [
    [
      'malformed JSON',
      { rawBody: '{"name": "Sales', headers: { 'content-type': 'application/json' } },
      400,
      'invalid_json',
    ],
    [
      'an empty JSON body',
      { rawBody: '', headers: { 'content-type': 'application/json' } },
      400,
      'invalid_json',
    ],
    ['a wrong type', { body: { name: 42 } }, 400, 'validation_failed'],
    ['a number as text', { body: { name: 'Night', offerTimeoutSeconds: '30' } }, 400, 'validation_failed'],
    ['an unknown field', { body: { name: 'Night', colour: 'red' } }, 400, 'validation_failed'],
    ['a value out of range', { body: { name: 'Night', offerTimeoutSeconds: 1 } }, 400, 'validation_failed'],
    ['an oversize body', { body: { name: 'x'.repeat(5000) } }, 413, 'payload_too_large'],
    [
      'a form instead of JSON',
      { rawBody: 'name=Night', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      'unsupported_media_type',
    ],
  ];

  for (const [what, request, status, code] of cases) {
    it(what, async () => {
      const before = await groupCount();
      const response = await call(t.url, 'POST', '/api/v1/groups', {
        ...request,
        headers: { ...admin.headers, ...request.headers },
      });
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message).toEqual(expect.any(String));
      expect(await groupCount()).toBe(before);
    });
  }

  it('names the unknown field', async () => {
    const response = await call(t.url, 'POST', '/api/v1/groups', {
      headers: admin.headers,
      body: { name: 'Night', colour: 'red' },
    });
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'colour' })]),
    );
  });

  it('says in its message which value is wrong and why', async () => {
    const unknown = await call(t.url, 'POST', '/api/v1/groups', {
      headers: admin.headers,
      body: { name: 'Night', colour: 'red' },
    });
    expect(unknown.body.error.message).toBe(
      'The request does not match the expected schema (unknown field colour)',
    );
    const outOfRange = await call(t.url, 'POST', '/api/v1/groups', {
      headers: admin.headers,
      body: { name: 'Night', offerTimeoutSeconds: 1 },
    });
    expect(outOfRange.body.error.message).toBe(
      'The request does not match the expected schema (offerTimeoutSeconds must be >= 5)',
    );
  });

  it('a malformed id in the path is a 400, not a crash', async () => {
    const response = await call(t.url, 'GET', '/api/v1/groups/not-a-uuid', { headers: admin.headers });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('an unknown route is a 404 with the same envelope', async () => {
    const response = await call(t.url, 'GET', '/api/v1/nothing-here', { headers: admin.headers });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('the process keeps serving after all of it', async () => {
    const response = await call(t.url, 'POST', '/api/v1/groups', {
      headers: admin.headers,
      body: { name: 'Night shift' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'Night shift',
      routingMode: 'utilisation',
      offerTimeoutSeconds: 30,
      memberIds: [],
    });
  });
});

describe('a request cut short before any route runs', () => {
  /** Writes raw bytes, half-closes the socket and answers everything the server sent back. */
  function rawExchange(request: string): Promise<string> {
    const { hostname, port } = new URL(t.url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => {
        socket.write(request);
        socket.end();
      });
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
  }

  it('answers a body that stops halfway in the API error format, and creates nothing', async () => {
    const before = await groupCount();
    const body = '{"name": "Night shift"}';
    const { cookie, csrfToken } = admin;
    const raw = await rawExchange(
      `POST /api/v1/groups HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length + 40}\r\ncookie: ${cookie}\r\n` +
        `x-csrf-token: ${csrfToken}\r\n\r\n${body}`,
    );
    const [head, payload] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(payload!)).toEqual({
      error: { code: 'validation_failed', message: expect.any(String) },
    });
    expect(await groupCount()).toBe(before);
  });
});
