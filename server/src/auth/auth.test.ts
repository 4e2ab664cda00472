import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../db/schema.js';
import { call, createTestTenant, logIn, PASSWORD, type TestTenant } from '../../test/factories.js';
import { startTestApp, type TestApp } from '../../test/harness.js';

let t: TestApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startTestApp({ config: { LOGIN_RATE_LIMIT_PER_MINUTE: '5' } });
  tenant = await createTestTenant(t.database);
});
afterAll(() => t.close());

describe('sign-in', () => {
  it('opens an HTTP-only cookie session and tells who is signed in', async () => {
    const response = await fetch(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: tenant.supervisor.email.toUpperCase(), password: PASSWORD }),
    });
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/sb_session=[\w-]{40,}/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const me = await call(t.url, 'GET', '/api/v1/auth/me', { headers: { cookie: setCookie.split(';')[0]! } });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: tenant.supervisor.id,
      role: 'supervisor',
      groupIds: [tenant.groupA],
    });
    expect(me.body.csrfToken).toEqual(expect.any(String));
  });

  it('stores passwords as argon2id hashes', async () => {
    const [row] = await t.database.db.select().from(users).where(eq(users.id, tenant.admin.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row!.passwordHash).not.toContain(PASSWORD);
  });

  it('refuses a wrong password and an unknown e-mail with the same answer', async () => {
    const wrong = await call(t.url, 'POST', '/api/v1/auth/login', {
      body: { email: tenant.admin.email, password: 'nope' },
    });
    const unknown = await call(t.url, 'POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.test', password: 'nope' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(unknown.body).toEqual(wrong.body);
  });

  it('rate-limits repeated attempts on one account', async () => {
    const email = tenant.operators[1]!.email;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await call(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'guess' } })).status,
      );
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await call(t.url, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(limited.body.error.code).toBe('rate_limited');
  });

  it('ends the session on logout', async () => {
    const session = await logIn(t.url, tenant.operators[0]!);
    expect((await call(t.url, 'POST', '/api/v1/auth/logout', { headers: session.headers })).status).toBe(204);
    const me = await call(t.url, 'GET', '/api/v1/auth/me', { headers: { cookie: session.cookie } });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('unauthenticated');
  });
});

describe('CSRF', () => {
  it('refuses a change made with the cookie but without the token, and changes nothing', async () => {
    const session = await logIn(t.url, tenant.admin);
    const before = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(eq(users.tenantId, tenant.id));
    const attempt = await call(t.url, 'POST', '/api/v1/operators', {
      headers: { cookie: session.cookie },
      body: { email: 'csrf@example.test', name: 'Forged', role: 'admin', capacity: 1 },
    });
    expect(attempt.status).toBe(403);
    expect(attempt.body.error.code).toBe('csrf_failed');
    const wrongToken = await call(t.url, 'POST', '/api/v1/operators', {
      headers: { cookie: session.cookie, 'x-csrf-token': 'x'.repeat(32) },
      body: { email: 'csrf@example.test', name: 'Forged', role: 'admin', capacity: 1 },
    });
    expect(wrongToken.status).toBe(403);
    const after = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(users)
      .where(eq(users.tenantId, tenant.id));
    expect(after).toEqual(before);
  });
});

describe('API keys', () => {
  it('are shown once, authenticate as bearer tokens without CSRF, and stop working when revoked', async () => {
    const admin = await logIn(t.url, tenant.admin);
    const created = await call(t.url, 'POST', '/api/v1/api-keys', {
      headers: admin.headers,
      body: { name: 'CRM', role: 'supervisor' },
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^sb_/);
    const listed = await call(t.url, 'GET', '/api/v1/api-keys', { headers: admin.headers });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(listed.body.items[0]).toMatchObject({ name: 'CRM', prefix: key.slice(0, 10) });

    const bearer = { authorization: `Bearer ${key}` };
    const operators = await call(t.url, 'GET', '/api/v1/operators', { headers: bearer });
    expect(operators.status).toBe(200);
    expect(operators.body.items).toHaveLength(4);
    const presence = await call(t.url, 'PUT', `/api/v1/operators/${tenant.operators[0]!.id}/presence`, {
      headers: bearer,
      body: { status: 'available' },
    });
    expect(presence.status).toBe(200);
    // A supervisor key may not do what needs an administrator.
    const adminOnly = await call(t.url, 'GET', '/api/v1/api-keys', { headers: bearer });
    expect(adminOnly.status).toBe(403);

    expect(
      (await call(t.url, 'DELETE', `/api/v1/api-keys/${created.body.id}`, { headers: admin.headers })).status,
    ).toBe(204);
    const revoked = await call(t.url, 'GET', '/api/v1/operators', { headers: bearer });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('unauthenticated');
  });
});
