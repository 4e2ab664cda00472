import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, logIn, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { createTestChannelAccount } from '../../test/session-factory.js';
import { groups } from '../db/schema.js';
import { chooseGroup } from './choose-group.js';
import { ruleMatches } from './rule-matches.js';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];

beforeAll(async () => {
  ({ t, a, b, s, api } = await startTwoTenants());
});
afterAll(() => t.close());

// Monday 2026-11-23 09:30 in Prague is 08:30 UTC.
const mondayMorning = new Date('2026-11-23T08:30:00Z');
const saturdayNoon = new Date('2026-11-28T11:00:00Z');

describe('routing rules administration', () => {
  it('keeps rules in order: new ones last, inserted at a position, moved, reordered, deleted', async () => {
    const tenant = await createTestTenant(t.database);
    const admin = await logIn(t.url, tenant.admin);
    const make = async (body: object) => {
      const response = await api(admin, 'POST', '/routing-rules', body);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.id as string;
    };
    const r1 = await make({ match: { channels: ['whatsapp'] }, groupId: tenant.groupA });
    const r2 = await make({ match: { languages: ['cs'] }, groupId: tenant.groupB });
    const r3 = await make({ match: {}, groupId: tenant.groupA, position: 1 });
    const order = async () =>
      (await api(admin, 'GET', '/routing-rules')).body.items.map((r: { id: string; position: number }) => [
        r.id,
        r.position,
      ]);
    expect(await order()).toEqual([
      [r3, 1],
      [r1, 2],
      [r2, 3],
    ]);
    const moved = await api(admin, 'PATCH', `/routing-rules/${r3}`, { position: 99 });
    expect(moved.status).toBe(200);
    expect(moved.body.position).toBe(3);
    expect(await order()).toEqual([
      [r1, 1],
      [r2, 2],
      [r3, 3],
    ]);
    const reordered = await api(admin, 'PUT', '/routing-rules/order', { ids: [r2, r3, r1] });
    expect(reordered.status).toBe(200);
    expect(await order()).toEqual([
      [r2, 1],
      [r3, 2],
      [r1, 3],
    ]);
    const partial = await api(admin, 'PUT', '/routing-rules/order', { ids: [r1, r2] });
    expect(partial.status).toBe(422);
    expect(await api(admin, 'DELETE', `/routing-rules/${r3}`)).toMatchObject({ status: 204 });
    expect(await order()).toEqual([
      [r2, 1],
      [r1, 2],
    ]);
  });

  it('refuses bad conditions, groups and channel accounts of another tenant, and non-administrators', async () => {
    const foreignAccount = await createTestChannelAccount(t.database, b);
    const cases: Array<[object, number]> = [
      [{ match: {}, groupId: b.groupA }, 404],
      [{ match: { channelAccountIds: [foreignAccount.id] }, groupId: a.groupA }, 404],
      [{ match: { channels: ['sms'] }, groupId: a.groupA }, 400],
      [{ match: { time: { days: [1], from: '25:00', to: '10:00' } }, groupId: a.groupA }, 400],
      [{ match: { time: { days: [8], from: '09:00', to: '10:00' } }, groupId: a.groupA }, 400],
      [
        {
          match: { time: { days: [1], from: '09:00', to: '10:00', timeZone: 'Nowhere/City' } },
          groupId: a.groupA,
        },
        422,
      ],
      [{ match: { colour: 'red' }, groupId: a.groupA }, 400],
    ];
    for (const [body, status] of cases) {
      const response = await api(s.adminA!, 'POST', '/routing-rules', body);
      expect(response.status, JSON.stringify(body)).toBe(status);
    }
    expect((await api(s.adminA!, 'GET', '/routing-rules')).body.items).toEqual([]);
    const bRule = await api(s.adminB!, 'POST', '/routing-rules', { match: {}, groupId: b.groupA });
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { groupId: a.groupA }],
      ['DELETE', undefined],
    ] as const) {
      expect((await api(s.adminA!, method, `/routing-rules/${bRule.body.id}`, body)).status).toBe(404);
    }
    expect((await api(s.supervisorA!, 'GET', '/routing-rules')).status).toBe(403);
    expect(
      (await api(s.supervisorA!, 'POST', '/routing-rules', { match: {}, groupId: a.groupA })).status,
    ).toBe(403);
  });
});

describe('chooseGroup', () => {
  it('takes the first matching rule by position, then the default group, then the first group by name', async () => {
    const tenant = await createTestTenant(t.database);
    const admin = await logIn(t.url, tenant.admin);
    const whatsapp = await createTestChannelAccount(t.database, tenant, 'whatsapp');
    const webchat = await createTestChannelAccount(t.database, tenant, 'webchat');
    const [night] = await t.database.db
      .insert(groups)
      .values({ tenantId: tenant.id, name: 'Night' })
      .returning({ id: groups.id });
    const input = { channel: 'whatsapp', channelAccountId: whatsapp.id, at: mondayMorning };
    // No rules, no default: the first group by name.
    expect(await chooseGroup(t.database.db, tenant.id, input)).toBe(tenant.groupA);
    await api(admin, 'PATCH', '/tenant/settings', { defaultGroupId: night!.id, timezone: 'Europe/Prague' });
    expect(await chooseGroup(t.database.db, tenant.id, input)).toBe(night!.id);

    await api(admin, 'POST', '/routing-rules', {
      match: { channels: ['whatsapp'], time: { days: [1, 2, 3, 4, 5], from: '08:00', to: '17:00' } },
      groupId: tenant.groupB,
    });
    await api(admin, 'POST', '/routing-rules', {
      match: { channelAccountIds: [webchat.id], languages: ['cs'] },
      groupId: tenant.groupA,
    });
    expect(await chooseGroup(t.database.db, tenant.id, input)).toBe(tenant.groupB);
    expect(await chooseGroup(t.database.db, tenant.id, { ...input, at: saturdayNoon })).toBe(night!.id);
    const web = { channel: 'webchat', channelAccountId: webchat.id, at: saturdayNoon };
    expect(await chooseGroup(t.database.db, tenant.id, { ...web, language: 'cs-CZ' })).toBe(tenant.groupA);
    expect(await chooseGroup(t.database.db, tenant.id, { ...web, language: 'en' })).toBe(night!.id);
    expect(await chooseGroup(t.database.db, tenant.id, web)).toBe(night!.id);

    // A catch-all moved to the top wins over everything.
    const catchAll = await api(admin, 'POST', '/routing-rules', {
      match: {},
      groupId: tenant.groupA,
      position: 1,
    });
    expect(catchAll.body.position).toBe(1);
    expect(await chooseGroup(t.database.db, tenant.id, input)).toBe(tenant.groupA);
  });

  it('gives null for a tenant without groups, and never a group of another tenant', async () => {
    const empty = await t.database.db.transaction(async (tx) => {
      const { createTenant } = await import('../tenants/create-tenant.js');
      return createTenant(tx, { name: 'Empty', slug: `empty-${Date.now()}` });
    });
    expect(
      await chooseGroup(t.database.db, empty.id, {
        channel: 'webchat',
        channelAccountId: a.id,
        at: new Date(),
      }),
    ).toBe(null);
  });
});

describe('ruleMatches', () => {
  const web = { channel: 'webchat', channelAccountId: '00000000-0000-4000-8000-000000000001' };
  it('reads time windows in the rule’s zone, the tenant’s zone otherwise, and across midnight', () => {
    const window = { days: [1], from: '09:00', to: '10:00' };
    expect(ruleMatches({ time: window }, { ...web, at: mondayMorning }, 'Europe/Prague')).toBe(true);
    expect(ruleMatches({ time: window }, { ...web, at: mondayMorning }, 'UTC')).toBe(false);
    expect(
      ruleMatches({ time: { ...window, timeZone: 'Europe/Prague' } }, { ...web, at: mondayMorning }, 'UTC'),
    ).toBe(true);
    const night = { days: [5], from: '22:00', to: '06:00', timeZone: 'UTC' };
    expect(ruleMatches({ time: night }, { ...web, at: new Date('2026-11-27T23:00:00Z') }, 'UTC')).toBe(true); // Fri 23:00
    expect(ruleMatches({ time: night }, { ...web, at: new Date('2026-11-28T05:59:00Z') }, 'UTC')).toBe(true); // Sat 05:59
    expect(ruleMatches({ time: night }, { ...web, at: new Date('2026-11-28T06:00:00Z') }, 'UTC')).toBe(false);
    expect(ruleMatches({ time: night }, { ...web, at: new Date('2026-11-26T23:00:00Z') }, 'UTC')).toBe(false); // Thu
  });

  it('requires every condition given', () => {
    const at = mondayMorning;
    expect(
      ruleMatches({ channels: ['webchat'], languages: ['en'] }, { ...web, at, language: 'EN-gb' }, 'UTC'),
    ).toBe(true);
    expect(
      ruleMatches({ channels: ['whatsapp'], languages: ['en'] }, { ...web, at, language: 'en' }, 'UTC'),
    ).toBe(false);
    expect(ruleMatches({ languages: ['en'] }, { ...web, at, language: 'eng' }, 'UTC')).toBe(false);
    expect(ruleMatches({}, { ...web, at }, 'UTC')).toBe(true);
  });
});
