import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, logIn, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let s: TwoTenants['s'];

beforeAll(async () => {
  ({ t, a, b, s } = await startTwoTenants());
});
afterAll(() => t.close());

describe('no credentials', () => {
  for (const [method, path] of [
    ['GET', '/api/v1/operators'],
    ['GET', '/api/v1/groups'],
    ['POST', '/api/v1/groups'],
    ['GET', '/api/v1/api-keys'],
    ['GET', '/api/v1/auth/me'],
  ] as const) {
    it(`${method} ${path} → 401`, async () => {
      const response = await call(t.url, method, path, method === 'POST' ? { body: { name: 'x' } } : {});
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthenticated');
    });
  }
  it('a made-up API key → 401', async () => {
    const response = await call(t.url, 'GET', '/api/v1/operators', {
      headers: { authorization: 'Bearer sb_forged' },
    });
    expect(response.status).toBe(401);
  });
});

describe('another tenant', () => {
  it('sees none of the first tenant’s operators', async () => {
    const list = await call(t.url, 'GET', '/api/v1/operators', { headers: s.adminB!.headers });
    expect(list.body.items.map((o: { id: string }) => o.id)).not.toContain(a.admin.id);
    const one = await call(t.url, 'GET', `/api/v1/operators/${a.operators[0]!.id}`, {
      headers: s.adminB!.headers,
    });
    expect(one.status).toBe(404);
    expect(one.body.error.code).toBe('not_found');
  });

  it('cannot change the first tenant’s group, operator, members or presence, and learns nothing from trying', async () => {
    const group = await call(t.url, 'PATCH', `/api/v1/groups/${a.groupA}`, {
      headers: s.adminB!.headers,
      body: { name: 'Taken' },
    });
    const missing = await call(t.url, 'PATCH', `/api/v1/groups/00000000-0000-4000-8000-000000000000`, {
      headers: s.adminB!.headers,
      body: { name: 'Taken' },
    });
    expect(group.status).toBe(404);
    expect(group.body).toEqual(missing.body);
    const operator = await call(t.url, 'PATCH', `/api/v1/operators/${a.operators[0]!.id}`, {
      headers: s.adminB!.headers,
      body: { capacity: 9 },
    });
    expect(operator.status).toBe(404);
    const members = await call(t.url, 'PUT', `/api/v1/groups/${b.groupA}/members`, {
      headers: s.adminB!.headers,
      body: { members: [{ userId: a.operators[0]!.id }] },
    });
    expect(members.status).toBe(404);
    const presence = await call(t.url, 'PUT', `/api/v1/operators/${a.operators[0]!.id}/presence`, {
      headers: s.adminB!.headers,
      body: { status: 'available' },
    });
    expect(presence.status).toBe(404);
    const unchanged = await call(t.url, 'GET', `/api/v1/groups/${a.groupA}`, { headers: s.adminA!.headers });
    expect(unchanged.body.name).toBe('Group A');
  });
});

describe('roles and groups', () => {
  it('an operator cannot use administration routes', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/v1/groups', { name: 'Mine' }],
      ['PATCH', `/api/v1/operators/${a.operators[0]!.id}`, { capacity: 50 }],
      ['GET', '/api/v1/api-keys', undefined],
      ['POST', '/api/v1/operators', { email: 'new@example.test', name: 'New', role: 'admin', capacity: 1 }],
    ] as const) {
      const response = await call(t.url, method, path, {
        headers: s.operatorA!.headers,
        ...(body ? { body } : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body.error.code).toBe('forbidden');
    }
  });

  it('an operator sets their own presence but nobody else’s', async () => {
    const own = await call(t.url, 'PUT', '/api/v1/operators/me/presence', {
      headers: s.operatorA!.headers,
      body: { status: 'away', awayReason: 'Lunch' },
    });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ userId: a.operators[0]!.id, status: 'away', awayReason: 'Lunch' });
    const other = await call(t.url, 'PUT', `/api/v1/operators/${a.operators[1]!.id}/presence`, {
      headers: s.operatorA!.headers,
      body: { status: 'available' },
    });
    expect(other.status).toBe(403);
  });

  it('nobody can set `rona` by hand', async () => {
    const response = await call(t.url, 'PUT', '/api/v1/operators/me/presence', {
      headers: s.operatorA!.headers,
      body: { status: 'rona' },
    });
    expect(response.status).toBe(400);
  });

  it('a supervisor acts on operators of their groups only', async () => {
    const own = await call(t.url, 'PUT', `/api/v1/operators/${a.operators[0]!.id}/presence`, {
      headers: s.supervisorA!.headers,
      body: { status: 'offline' },
    });
    expect(own.status).toBe(200);
    const foreign = await call(t.url, 'PUT', `/api/v1/operators/${a.operators[1]!.id}/presence`, {
      headers: s.supervisorA!.headers,
      body: { status: 'offline' },
    });
    expect(foreign.status).toBe(403);
    const membersOfOtherGroup = await call(t.url, 'PUT', `/api/v1/groups/${a.groupB}/members`, {
      headers: s.supervisorA!.headers,
      body: { members: [] },
    });
    expect(membersOfOtherGroup.status).toBe(403);
  });

  it('an administrator manages operators and groups', async () => {
    const created = await call(t.url, 'POST', '/api/v1/operators', {
      headers: s.adminA!.headers,
      body: {
        email: `new-${a.id.slice(0, 6)}@example.test`,
        name: 'Nina New',
        role: 'operator',
        capacity: 2,
        password: 'long enough password',
      },
    });
    expect(created.status).toBe(201);
    const members = await call(t.url, 'PUT', `/api/v1/groups/${a.groupB}/members`, {
      headers: s.adminA!.headers,
      body: { members: [{ userId: created.body.id }, { userId: a.operators[1]!.id, capacity: 5 }] },
    });
    expect(members.status).toBe(200);
    expect(members.body.memberIds.sort()).toEqual([created.body.id, a.operators[1]!.id].sort());
    const nina = await logIn(t.url, { email: created.body.email }, 'long enough password');
    const me = await call(t.url, 'GET', '/api/v1/auth/me', { headers: nina.headers });
    expect(me.body.groupIds).toEqual([a.groupB]);
    const duplicate = await call(t.url, 'POST', '/api/v1/operators', {
      headers: s.adminA!.headers,
      body: { email: created.body.email.toUpperCase(), name: 'Again', role: 'operator', capacity: 2 },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({ code: 'already_exists', details: { field: 'email' } });
  });
});

describe('API documentation', () => {
  it('serves an OpenAPI document with request and response schemas for every route', async () => {
    const doc = await call(t.url, 'GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const post = doc.body.paths['/api/v1/groups'].post;
    expect(post.requestBody.content['application/json'].schema.properties.name).toBeDefined();
    expect(post.responses['201']).toBeDefined();
    for (const [path, methods] of Object.entries(
      doc.body.paths as Record<string, Record<string, { responses?: object }>>,
    )) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(Object.keys(operation.responses ?? {}), `${method} ${path}`).not.toHaveLength(0);
      }
    }
  });

  it('serves interactive docs', async () => {
    const response = await fetch(`${t.url}/api/docs/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('swagger');
  });
});
