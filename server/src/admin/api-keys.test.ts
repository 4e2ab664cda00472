import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';

let t: TestApp;
let a: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];
let auditOf: TwoTenants['auditOf'];

beforeAll(async () => {
  ({ t, a, s, api, auditOf } = await startTwoTenants());
});
afterAll(() => t.close());

describe('API keys administration', () => {
  it('lists live keys with who issued them and when each was last used', async () => {
    const created = await api(s.adminA, 'POST', '/api-keys', { name: ' CRM sync ', role: 'operator' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'CRM sync', role: 'operator', lastUsedAt: null });
    expect(created.body.createdByName).toBe(a.admin.name);
    const key = created.body.key as string;

    const listed = () => api(s.adminA, 'GET', '/api-keys').then((r) => r.body.items);
    expect(await listed()).toEqual([
      {
        id: created.body.id,
        name: 'CRM sync',
        prefix: key.slice(0, 10),
        role: 'operator',
        createdAt: created.body.createdAt,
        lastUsedAt: null,
        createdByName: a.admin.name,
      },
    ]);

    // A call with the key is remembered on the app's clock.
    await t.advance(60_000);
    const usedAt = t.clock.now().toISOString();
    expect((await api({ authorization: `Bearer ${key}` }, 'GET', '/sessions')).status).toBe(200);
    expect((await listed())[0].lastUsedAt).toBe(usedAt);

    // A key issued by another key (an integration with an administrator's key) names no person.
    const adminKey = await api(s.adminA, 'POST', '/api-keys', { name: 'Provisioning', role: 'admin' });
    const issued = await api({ authorization: `Bearer ${adminKey.body.key}` }, 'POST', '/api-keys', {
      name: 'Issued by a key',
      role: 'supervisor',
    });
    expect(issued.status).toBe(201);
    expect(issued.body.createdByName).toBeNull();
    const byName = Object.fromEntries((await listed()).map((k: any) => [k.name, k.createdByName]));
    expect(byName).toEqual({
      'CRM sync': a.admin.name,
      Provisioning: a.admin.name,
      'Issued by a key': null,
    });

    // Revoked keys leave the list; the revocation is in the audit log.
    expect((await api(s.adminA, 'DELETE', `/api-keys/${issued.body.id}`)).status).toBe(204);
    expect((await listed()).map((k: any) => k.name).sort()).toEqual(['CRM sync', 'Provisioning']);
    expect((await auditOf(a.id, 'api_key.revoke')).map((r) => r.targetId)).toEqual([issued.body.id]);
    expect((await api(s.adminA, 'DELETE', `/api-keys/${issued.body.id}`)).status).toBe(404);
  });

  it('refuses bad input, other tenants and non-administrators, changing nothing', async () => {
    const before = (await api(s.adminA, 'GET', '/api-keys')).body.items;
    expect((await api(s.adminA, 'POST', '/api-keys', { name: '', role: 'operator' })).status).toBe(400);
    const blank = await api(s.adminA, 'POST', '/api-keys', { name: '  ', role: 'operator' });
    expect(blank.status).toBe(400);
    expect(blank.body.error.message).toBe('The name must not be blank');
    expect((await api(s.adminA, 'POST', '/api-keys', { name: 'X', role: 'owner' })).status).toBe(400);
    expect((await api(s.supervisorA, 'POST', '/api-keys', { name: 'X', role: 'operator' })).status).toBe(403);
    expect((await api(s.supervisorA, 'GET', '/api-keys')).status).toBe(403);
    expect((await api(s.adminB, 'GET', '/api-keys')).body.items).toEqual([]);
    expect((await api(s.adminB, 'DELETE', `/api-keys/${before[0].id}`)).status).toBe(404);
    expect((await api(s.adminA, 'GET', '/api-keys')).body.items).toEqual(before);
  });
});
