import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { insertChannelAccount } from './channel-accounts.repo.js';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];

beforeAll(async () => {
  ({ t, a, b, s, api } = await startTwoTenants());
  const secret = { accessToken: 'token-that-must-not-leak', appSecret: 'app-secret-that-must-not-leak' };
  await insertChannelAccount(t.database.db, t.secretBox, {
    tenantId: a.id,
    channel: 'whatsapp',
    name: 'Support line',
    externalId: `pn-a-${a.id}`,
    settings: { displayPhoneNumber: '+1 555 0100' },
    credentials: secret,
  });
  await insertChannelAccount(t.database.db, t.secretBox, {
    tenantId: a.id,
    channel: 'messenger',
    name: 'Our Page',
    externalId: `page-a-${a.id}`,
    credentials: secret,
  });
  await insertChannelAccount(t.database.db, t.secretBox, {
    tenantId: b.id,
    channel: 'whatsapp',
    name: 'Other tenant line',
    externalId: `pn-b-${b.id}`,
    credentials: secret,
  });
});
afterAll(() => t.close());

describe('channel accounts for operators', () => {
  it('lists the tenant’s WhatsApp numbers to an operator, without credentials', async () => {
    const listed = await api(s.olga, 'GET', '/channel-accounts?channel=whatsapp');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        channel: 'whatsapp',
        name: 'Support line',
        displayPhoneNumber: '+1 555 0100',
      }),
    ]);
    expect(JSON.stringify(listed.body)).not.toMatch(/must-not-leak|credentials/);
  });

  it('lists every channel without a filter, and never another tenant’s', async () => {
    const all = await api(s.olga, 'GET', '/channel-accounts');
    expect(all.body.items.map((i: { name: string }) => i.name).sort()).toEqual(['Our Page', 'Support line']);
    const other = await api(s.adminB, 'GET', '/channel-accounts');
    expect(other.body.items.map((i: { name: string }) => i.name)).toEqual(['Other tenant line']);
  });

  it('refuses an unknown channel and an anonymous caller', async () => {
    expect((await api(s.olga, 'GET', '/channel-accounts?channel=telegram')).status).toBe(400);
    const anonymous = await fetch(`${t.url}/api/v1/channel-accounts`);
    expect(anonymous.status).toBe(401);
  });
});
