import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, logIn, type Session, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { createTestSession } from '../../test/session-factory.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';

let t: TestApp;
let b: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];
let auditOf: TwoTenants['auditOf'];

beforeAll(async () => {
  ({ t, b, s, api, auditOf } = await startTwoTenants());
});
afterAll(() => t.close());

/** A fresh tenant with its admin signed in, and a new group with the given members. */
async function tenantWithGroup(name = 'Night shift') {
  const tenant = await createTestTenant(t.database);
  const admin = await logIn(t.url, tenant.admin);
  const created = await api(admin, 'POST', '/groups', { name });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { tenant, admin, groupId: created.body.id as string };
}

const groupNames = async (admin: Session) =>
  (await api(admin, 'GET', '/groups')).body.items.map((g: { name: string }) => g.name);

describe('group members', () => {
  it('lists each member with the capacity the group gives them', async () => {
    const { tenant, admin, groupId } = await tenantWithGroup();
    const [olga, petr] = tenant.operators as [TestTenant['admin'], TestTenant['admin']];
    const set = await api(admin, 'PUT', `/groups/${groupId}/members`, {
      members: [{ userId: olga.id, capacity: 5 }, { userId: petr.id }],
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const group = (await api(admin, 'GET', `/groups/${groupId}`)).body;
    expect(group.memberIds.sort()).toEqual([olga.id, petr.id].sort());
    expect(group.members).toEqual(
      expect.arrayContaining([
        { userId: olga.id, capacity: 5 },
        { userId: petr.id, capacity: null },
      ]),
    );
    expect(group.members).toHaveLength(2);
  });
});

describe('deleting a group', () => {
  it('deletes an unused group with its memberships, and records it in the audit log', async () => {
    const { tenant, admin, groupId } = await tenantWithGroup();
    await api(admin, 'PUT', `/groups/${groupId}/members`, { members: [{ userId: tenant.operators[0]!.id }] });
    expect(await api(admin, 'DELETE', `/groups/${groupId}`)).toMatchObject({ status: 204 });
    expect(await groupNames(admin)).toEqual(['Group A', 'Group B']);
    expect((await api(admin, 'GET', `/groups/${groupId}`)).status).toBe(404);
    const olga = (await api(admin, 'GET', '/operators')).body.items.find(
      (o: { id: string }) => o.id === tenant.operators[0]!.id,
    );
    expect(olga.groupIds).toEqual([tenant.groupA]);
    const audit = await auditOf(tenant.id, 'group.delete');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetId: groupId, data: { name: 'Night shift' } });
    expect((await api(admin, 'DELETE', `/groups/${groupId}`)).status).toBe(404);
  });

  it('refuses the default group, a group routing rules or templates use, and one that had sessions', async () => {
    const { tenant, admin, groupId } = await tenantWithGroup();
    const refused = async (reason: string, message: RegExp) => {
      const response = await api(admin, 'DELETE', `/groups/${groupId}`);
      expect(response.status).toBe(409);
      expect(response.body.error).toMatchObject({ code: 'in_use', details: { reason } });
      expect(response.body.error.message).toMatch(message);
      expect(await groupNames(admin)).toContain('Night shift');
    };

    await api(admin, 'PATCH', '/tenant/settings', { defaultGroupId: groupId });
    await refused('default_group', /default group/);
    await api(admin, 'PATCH', '/tenant/settings', { defaultGroupId: tenant.groupA });

    const rule = await api(admin, 'POST', '/routing-rules', { match: { languages: ['cs'] }, groupId });
    await refused('routing_rules', /1 routing rule/);
    await api(admin, 'DELETE', `/routing-rules/${rule.body.id}`);

    const template = await api(admin, 'POST', '/templates', { name: 'Night', body: 'Hi', groupId });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    await refused('templates', /template/);
    await api(admin, 'DELETE', `/templates/${template.body.id}`);

    const waiting = await createTestSession(t.database, tenant, { groupId });
    await refused('open_sessions', /waiting or active/);

    const { eq } = await import('drizzle-orm');
    const { sessions } = await import('../db/schema.js');
    await t.database.db
      .update(sessions)
      .set({ state: 'ended', endedAt: new Date() })
      .where(eq(sessions.id, waiting.id));
    await refused('session_history', /history/);
    expect(await auditOf(tenant.id, 'group.delete')).toEqual([]);
  });

  it('is for administrators of the group’s tenant only', async () => {
    const { admin, groupId, tenant } = await tenantWithGroup();
    const supervisor = await logIn(t.url, tenant.supervisor);
    const olga = await logIn(t.url, tenant.operators[0]!);
    expect((await api(supervisor, 'DELETE', `/groups/${groupId}`)).status).toBe(403);
    expect((await api(olga, 'DELETE', `/groups/${groupId}`)).status).toBe(403);
    expect((await api(s.adminB, 'DELETE', `/groups/${groupId}`)).status).toBe(404);
    expect((await api(s.adminA, 'DELETE', `/groups/${b.groupA}`)).status).toBe(404);
    expect(await groupNames(admin)).toContain('Night shift');
  });
});
