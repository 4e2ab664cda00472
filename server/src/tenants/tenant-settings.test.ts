import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Session, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { connectSocket } from '../../test/socket-client.js';
import { auditLog, tenants } from '../db/schema.js';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let s: TwoTenants['s'];

beforeAll(async () => {
  ({ t, a, b, s } = await startTwoTenants());
});
afterAll(() => t.close());

const settings = (session: Session) =>
  call(t.url, 'GET', '/api/v1/tenant/settings', { headers: session.headers });
const patch = (session: Session, body: unknown) =>
  call(t.url, 'PATCH', '/api/v1/tenant/settings', { headers: session.headers, body });

describe('tenant settings', () => {
  it('start with defaults that operators can read', async () => {
    const response = await settings(s.operatorA!);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      wrapupRequired: false,
      endMessage: expect.any(String),
      defaultGroupId: null,
      timezone: 'UTC',
      retentionDays: null,
    });
  });

  it('are changed in part by an administrator, keeping keys that other modules store there', async () => {
    await t.database.db
      .update(tenants)
      .set({ settings: { blockedFileTypes: ['exe'], retentionDays: 30 } })
      .where(eq(tenants.id, a.id));
    const socket = await connectSocket(t.url, { cookie: s.operatorA!.cookie });
    const first = await patch(s.adminA!, { wrapupRequired: true, timezone: 'Europe/Prague' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      wrapupRequired: true,
      timezone: 'Europe/Prague',
      defaultGroupId: null,
    });
    const second = await patch(s.adminA!, { endMessage: 'Bye!', defaultGroupId: a.groupB });
    expect(second.body).toEqual({
      wrapupRequired: true,
      endMessage: 'Bye!',
      defaultGroupId: a.groupB,
      timezone: 'Europe/Prague',
      retentionDays: 30,
    });
    const [row] = await t.database.db.select().from(tenants).where(eq(tenants.id, a.id));
    expect(row!.settings).toMatchObject({
      blockedFileTypes: ['exe'],
      retentionDays: 30,
      wrapupRequired: true,
    });
    const event = await socket.waitFor(
      (e) =>
        e.name === 'tenant.settings.changed' && (e.payload as { endMessage: string }).endMessage === 'Bye!',
    );
    expect(event.payload).toMatchObject({ defaultGroupId: a.groupB });
    socket.close();
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.tenantId, a.id));
    expect(audit.filter((r) => r.action === 'tenant.settings.update')).toHaveLength(2);
    // Clearing: null removes the end message and the default group.
    const cleared = await patch(s.adminA!, { endMessage: null, defaultGroupId: null });
    expect(cleared.body).toMatchObject({ endMessage: null, defaultGroupId: null, wrapupRequired: true });
  });

  it('refuse a group of another tenant, an unknown time zone and unknown keys, changing nothing', async () => {
    const before = (await settings(s.adminB!)).body;
    const foreign = await patch(s.adminB!, { defaultGroupId: a.groupA, wrapupRequired: true });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('not_found');
    const zone = await patch(s.adminB!, { timezone: 'Mars/Olympus', wrapupRequired: true });
    expect(zone.status).toBe(422);
    expect(zone.body.error.message).toContain('Mars/Olympus');
    const unknown = await patch(s.adminB!, { blockedFileTypes: [] });
    expect(unknown.status).toBe(400);
    const empty = await patch(s.adminB!, {});
    expect(empty.status).toBe(400);
    expect((await settings(s.adminB!)).body).toEqual(before);
  });

  it('keep ended sessions for 1 to 3650 days or forever, refusing other periods and changing nothing', async () => {
    const set = await patch(s.adminB!, { retentionDays: 90 });
    expect(set.status).toBe(200);
    expect(set.body.retentionDays).toBe(90);
    const before = (await settings(s.adminB!)).body;
    for (const retentionDays of [0, 5000, -1]) {
      const refused = await patch(s.adminB!, { retentionDays, wrapupRequired: !before.wrapupRequired });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
      expect(refused.body.error.message).toContain('1 to 3650');
    }
    for (const retentionDays of [1.5, '30', true]) {
      const refused = await patch(s.adminB!, { retentionDays });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
    }
    expect((await settings(s.adminB!)).body).toEqual(before);
    for (const retentionDays of [1, 3650, null]) {
      const response = await patch(s.adminB!, { retentionDays });
      expect(response.status).toBe(200);
      expect(response.body.retentionDays).toBe(retentionDays);
    }
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.tenantId, b.id));
    expect(audit.filter((r) => r.action === 'tenant.settings.update').map((r) => r.data)).toContainEqual({
      retentionDays: 90,
    });
  });

  it('are changed by administrators only', async () => {
    for (const who of [s.operatorA!, s.supervisorA!]) {
      const response = await patch(who, { wrapupRequired: false });
      expect(response.status).toBe(403);
    }
    expect((await call(t.url, 'GET', '/api/v1/tenant/settings')).status).toBe(401);
  });
});
