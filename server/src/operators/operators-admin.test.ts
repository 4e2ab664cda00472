import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, groupMembers, users } from '../db/schema.js';
import { call, logIn, PASSWORD } from '../../test/factories.js';
import { useEngineTestApp } from '../../test/engine-setup.js';

const app = useEngineTestApp();
const NEW_PASSWORD = 'a brand new secret';

const login = (email: string, password: string) =>
  call(app.t.url, 'POST', '/api/v1/auth/login', { body: { email, password } });

describe('an administrator sets an operator’s password', () => {
  it('makes the new one work and the old one not, signs the operator out, and audits it without the password', async () => {
    const f = await app.fixture();
    const olga = f.tenant.operators[0]!;
    const set = await call(app.t.url, 'PUT', `/api/v1/operators/${olga.id}/password`, {
      headers: f.sessions.admin!.headers,
      body: { password: NEW_PASSWORD },
    });
    expect(set.status).toBe(204);
    expect((await login(olga.email, NEW_PASSWORD)).status).toBe(200);
    expect((await login(olga.email, PASSWORD)).status).toBe(401);
    // Her session from before the reset is gone.
    const me = await call(app.t.url, 'GET', '/api/v1/auth/me', { headers: f.sessions.olga!.headers });
    expect(me.status).toBe(401);
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, f.tenant.id), eq(auditLog.action, 'operator.password')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ targetId: olga.id, actorId: f.tenant.admin.id });
    expect(JSON.stringify(audits[0])).not.toContain(NEW_PASSWORD);
    const [row] = await app.t.database.db.select().from(users).where(eq(users.id, olga.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a short password with the rule, and changes nothing', async () => {
    const f = await app.fixture();
    const petr = f.tenant.operators[1]!;
    const short = await call(app.t.url, 'PUT', `/api/v1/operators/${petr.id}/password`, {
      headers: f.sessions.admin!.headers,
      body: { password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error).toMatchObject({
      code: 'validation_failed',
      message: 'The password must be at least 10 characters long',
    });
    expect((await login(petr.email, PASSWORD)).status).toBe(200);
    expect(
      (await call(app.t.url, 'GET', '/api/v1/auth/me', { headers: f.sessions.petr!.headers })).status,
    ).toBe(200);
  });

  it('is for administrators only, and only in their tenant', async () => {
    const f = await app.fixture();
    const petr = f.tenant.operators[1]!;
    for (const who of ['olga', 'supervisor'] as const) {
      const refused = await call(app.t.url, 'PUT', `/api/v1/operators/${petr.id}/password`, {
        headers: f.sessions[who]!.headers,
        body: { password: NEW_PASSWORD },
      });
      expect(refused.status).toBe(403);
    }
    const other = await app.fixture();
    const across = await call(app.t.url, 'PUT', `/api/v1/operators/${petr.id}/password`, {
      headers: other.sessions.admin!.headers,
      body: { password: NEW_PASSWORD },
    });
    expect(across.status).toBe(404);
    expect((await login(petr.email, PASSWORD)).status).toBe(200);
  });

  it('keeps the administrator’s own session when they set their own password', async () => {
    const f = await app.fixture();
    const admin = f.tenant.admin;
    const elsewhere = await logIn(app.t.url, admin);
    const set = await call(app.t.url, 'PUT', `/api/v1/operators/${admin.id}/password`, {
      headers: f.sessions.admin!.headers,
      body: { password: NEW_PASSWORD },
    });
    expect(set.status).toBe(204);
    expect(
      (await call(app.t.url, 'GET', '/api/v1/auth/me', { headers: f.sessions.admin!.headers })).status,
    ).toBe(200);
    expect((await call(app.t.url, 'GET', '/api/v1/auth/me', { headers: elsewhere.headers })).status).toBe(
      401,
    );
  });
});

describe('an administrator cannot lock themselves out', () => {
  it('refuses their own deactivation and a change of their own role, and changes nothing', async () => {
    const f = await app.fixture();
    const admin = f.tenant.admin;
    const patch = (body: unknown) =>
      call(app.t.url, 'PATCH', `/api/v1/operators/${admin.id}`, { headers: f.sessions.admin!.headers, body });
    for (const body of [{ active: false }, { role: 'supervisor' }, { role: 'operator', name: 'Boss' }]) {
      const refused = await patch(body);
      expect(refused.status).toBe(422);
      expect(refused.body.error).toMatchObject({
        code: 'unprocessable',
        message: 'You cannot change your own role or deactivate yourself',
      });
    }
    // The role sent as it is (a form that sends every field) is no change.
    const same = await patch({ role: 'admin', name: 'Boss', capacity: 5 });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ role: 'admin', active: true, name: 'Boss', capacity: 5 });
  });
});

describe('invitations and memberships', () => {
  it('invites into groups in one step; a bad group, a short password or a taken e-mail creates nothing', async () => {
    const f = await app.fixture();
    const headers = f.sessions.admin!.headers;
    const invite = (body: Record<string, unknown>) =>
      call(app.t.url, 'POST', '/api/v1/operators', {
        headers,
        body: { name: 'Nina', role: 'operator', capacity: 4, password: NEW_PASSWORD, ...body },
      });
    const email = `nina-${f.tenant.id.slice(0, 8)}@example.test`;
    const other = await app.fixture();
    const badGroup = await invite({ email, groupIds: [f.tenant.groupA, other.tenant.groupA] });
    expect(badGroup.status).toBe(404);
    const short = await invite({ email, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toBe('The password must be at least 10 characters long');
    const taken = await invite({ email: f.tenant.operators[0]!.email.toUpperCase() });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toBe('A user with this e-mail already exists');
    const listed = await call(app.t.url, 'GET', '/api/v1/operators', { headers });
    expect(listed.body.items.map((o: { name: string }) => o.name)).not.toContain('Nina');

    const created = await invite({ email, groupIds: [f.tenant.groupA, f.tenant.groupB] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Nina', role: 'operator', capacity: 4, active: true });
    expect([...created.body.groupIds].sort()).toEqual([f.tenant.groupA, f.tenant.groupB].sort());
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
  });

  it('sets an operator’s groups without touching the other members or their capacity overrides', async () => {
    const f = await app.fixture();
    const headers = f.sessions.admin!.headers;
    const [olga, petr] = f.tenant.operators;
    // Olga has her own capacity in group A.
    await app.t.database.db
      .update(groupMembers)
      .set({ capacity: 1 })
      .where(and(eq(groupMembers.groupId, f.tenant.groupA), eq(groupMembers.userId, olga!.id)));
    const set = await call(app.t.url, 'PUT', `/api/v1/operators/${petr!.id}/groups`, {
      headers,
      body: { groupIds: [f.tenant.groupA] },
    });
    expect(set.status).toBe(200);
    expect(set.body.groupIds).toEqual([f.tenant.groupA]);
    const members = await app.t.database.db
      .select({ userId: groupMembers.userId, groupId: groupMembers.groupId, capacity: groupMembers.capacity })
      .from(groupMembers)
      .where(eq(groupMembers.tenantId, f.tenant.id));
    expect(members).toEqual(
      expect.arrayContaining([
        { userId: olga!.id, groupId: f.tenant.groupA, capacity: 1 },
        { userId: petr!.id, groupId: f.tenant.groupA, capacity: null },
      ]),
    );
    expect(members.some((m) => m.userId === petr!.id && m.groupId === f.tenant.groupB)).toBe(false);
    // Petr's socket hears of it.
    await f.sockets.petr!.waitFor((e) => e.name === 'membership.changed');

    const other = await app.fixture();
    const foreign = await call(app.t.url, 'PUT', `/api/v1/operators/${petr!.id}/groups`, {
      headers,
      body: { groupIds: [other.tenant.groupA] },
    });
    expect(foreign.status).toBe(404);
    const after = await call(app.t.url, 'GET', `/api/v1/operators/${petr!.id}`, { headers });
    expect(after.body.groupIds).toEqual([f.tenant.groupA]);
    const byOperator = await call(app.t.url, 'PUT', `/api/v1/operators/${petr!.id}/groups`, {
      headers: f.sessions.olga!.headers,
      body: { groupIds: [] },
    });
    expect(byOperator.status).toBe(403);
  });
});
