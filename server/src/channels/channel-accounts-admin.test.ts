import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { channelAccounts } from '../db/schema.js';
import { insertChannelAccount, openCredentials } from './channel-accounts.repo.js';

let t: TestApp;
let a: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];
let auditOf: TwoTenants['auditOf'];
let numberId: string;
let pageId: string;
// Unique per run: the handshake looks at every enabled number of the database.
const run = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
const secrets = {
  accessToken: `token-must-not-leak-${run}`,
  appSecret: `app-secret-must-not-leak-${run}`,
  verifyToken: `verify-must-not-leak-${run}`,
};

beforeAll(async () => {
  ({ t, a, s, api, auditOf } = await startTwoTenants());
  ({ id: numberId } = await insertChannelAccount(t.database.db, t.secretBox, {
    tenantId: a.id,
    channel: 'whatsapp',
    name: 'Support line',
    externalId: `9${run}`.slice(0, 15),
    settings: { wabaId: '1234', displayPhoneNumber: '15550100' },
    credentials: secrets,
  }));
  ({ id: pageId } = await insertChannelAccount(t.database.db, t.secretBox, {
    tenantId: a.id,
    channel: 'messenger',
    name: 'Our Page',
    externalId: `8${run}`.slice(0, 15),
    credentials: { pageAccessToken: secrets.accessToken, appSecret: secrets.appSecret, verifyToken: 'x' },
  }));
});
afterAll(() => t.close());

const rowOf = async (id: string) =>
  (await t.database.db.select().from(channelAccounts).where(eq(channelAccounts.id, id)))[0]!;
const handshake = (token: string) =>
  fetch(`${t.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=ch-${run}`);

describe('channel accounts for administrators', () => {
  it('lists what setting up needs — callback URL, stored credential names — and never a secret', async () => {
    const listed = await api(s.adminA, 'GET', '/admin/channel-accounts');
    expect(listed.status).toBe(200);
    const number = listed.body.items.find((i: { id: string }) => i.id === numberId);
    expect(number).toMatchObject({
      channel: 'whatsapp',
      name: 'Support line',
      displayPhoneNumber: '15550100',
      wabaId: '1234',
      enabled: true,
      credentialsSet: ['accessToken', 'appSecret', 'verifyToken'],
      webhookUrl: `${t.url}/webhooks/whatsapp`,
      widget: null,
    });
    const page = listed.body.items.find((i: { id: string }) => i.id === pageId);
    expect(page.webhookUrl).toBe(`${t.url}/webhooks/messenger`);
    expect(JSON.stringify(listed.body)).not.toContain('must-not-leak');
    expect((await api(s.olga, 'GET', '/admin/channel-accounts')).status).toBe(403);
    const other = await api(s.adminB, 'GET', '/admin/channel-accounts');
    expect(other.body.items.map((i: { id: string }) => i.id)).not.toContain(numberId);
    expect((await api(s.adminB, 'GET', `/channel-accounts/${numberId}`)).status).toBe(404);
  });

  it('creates a web chat whose tag carries a key the widget answers to, audited', async () => {
    const refused = await api(s.adminA, 'POST', '/channel-accounts/webchat', { name: '  ' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('The name must not be empty');
    expect((await api(s.olga, 'POST', '/channel-accounts/webchat', { name: 'Shop' })).status).toBe(403);
    const before = (await api(s.adminA, 'GET', '/admin/channel-accounts')).body.items.length;

    const created = await api(s.adminA, 'POST', '/channel-accounts/webchat', {
      name: 'Shop',
      greeting: 'Hello from the shop',
      entryForm: { name: true, email: true, question: false },
    });
    expect(created.status).toBe(201);
    const key = created.body.externalId as string;
    expect(key).toMatch(/^wc_[\w-]{24}$/);
    expect(created.body.widget).toEqual({
      greeting: 'Hello from the shop',
      entryForm: { name: true, email: true, question: false },
      snippet: `<script src="${t.url}/widget.js" data-key="${key}" async></script>`,
    });
    expect((await api(s.adminA, 'GET', '/admin/channel-accounts')).body.items).toHaveLength(before + 1);
    const config = await fetch(`${t.url}/api/v1/webchat/${key}/config`);
    expect(await config.json()).toMatchObject({
      name: 'Shop',
      greeting: 'Hello from the shop',
      entryForm: { name: true, email: true, question: false },
    });
    const audit = await auditOf(a.id, 'channel_account.connect');
    expect(audit.map((e) => e.targetId)).toContain(created.body.id);

    // Renamed and disabled: the widget's key is refused from then on.
    const changed = await api(s.adminA, 'PATCH', `/channel-accounts/${created.body.id}`, {
      name: 'Web shop',
      enabled: false,
      greeting: null,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Web shop', enabled: false, widget: { greeting: null } });
    expect((await fetch(`${t.url}/api/v1/webchat/${key}/config`)).status).toBe(401);
    const updates = await auditOf(a.id, 'channel_account.update');
    expect(updates.find((e) => e.targetId === created.body.id)?.data).toEqual({
      channel: 'webchat',
      changed: ['name', 'enabled', 'greeting'],
      enabled: false,
    });
    const credentials = await api(s.adminA, 'PATCH', `/channel-accounts/${created.body.id}`, {
      appSecret: 'nope',
    });
    expect(credentials.status).toBe(400);
    expect(credentials.body.error.message).toBe('A web chat account has no credentials');
  });

  it('replaces only the credentials given, sealed, and the new verify token answers Meta’s handshake', async () => {
    expect((await handshake(secrets.verifyToken)).status).toBe(200);
    const newToken = `new-verify-${run}`;
    const changed = await api(s.adminA, 'PATCH', `/channel-accounts/${numberId}`, {
      appSecret: `new-app-secret-${run}`,
      verifyToken: newToken,
    });
    expect(changed.status).toBe(200);
    expect(JSON.stringify(changed.body)).not.toContain(run);
    const row = await rowOf(numberId);
    expect(row.credentialsEncrypted).not.toContain(run);
    expect(openCredentials(t.secretBox, row)).toEqual({
      accessToken: secrets.accessToken,
      appSecret: `new-app-secret-${run}`,
      verifyToken: newToken,
    });
    expect((await handshake(newToken)).status).toBe(200);
    expect(await (await handshake(newToken)).text()).toBe(`ch-${run}`);
    expect((await handshake(secrets.verifyToken)).status).toBe(403);
    const audit = (await auditOf(a.id, 'channel_account.update')).find((e) => e.targetId === numberId);
    expect(audit?.data).toEqual({ channel: 'whatsapp', changed: ['appSecret', 'verifyToken'] });
    expect(JSON.stringify(audit)).not.toContain(run);
  });

  it('refuses what the account does not have, another tenant, an operator, and changes nothing', async () => {
    const before = await rowOf(numberId);
    for (const body of [
      { pageAccessToken: 'page-token' },
      { greeting: 'Hi' },
      { name: '' },
      {},
      { name: 'x', phoneNumberId: '1' },
    ]) {
      const refused = await api(s.adminA, 'PATCH', `/channel-accounts/${numberId}`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    const wrongToken = await api(s.adminA, 'PATCH', `/channel-accounts/${pageId}`, { accessToken: 'x' });
    expect(wrongToken.body.error.message).toBe('A Facebook Page has no accessToken');
    expect((await api(s.adminB, 'PATCH', `/channel-accounts/${numberId}`, { name: 'Mine' })).status).toBe(
      404,
    );
    expect((await api(s.olga, 'PATCH', `/channel-accounts/${numberId}`, { name: 'Mine' })).status).toBe(403);
    expect(await rowOf(numberId)).toEqual(before);
  });

  it('disables a number: operators see it disabled and Meta’s handshake no longer finds its token', async () => {
    const disabled = await api(s.adminA, 'PATCH', `/channel-accounts/${numberId}`, {
      name: 'Old line',
      enabled: false,
    });
    expect(disabled.status).toBe(200);
    const listed = await api(s.olga, 'GET', '/channel-accounts?channel=whatsapp');
    expect(listed.body.items).toEqual([expect.objectContaining({ name: 'Old line', enabled: false })]);
    expect((await handshake(`new-verify-${run}`)).status).toBe(403);
    const enabled = await api(s.adminA, 'PATCH', `/channel-accounts/${numberId}`, { enabled: true });
    expect(enabled.body.enabled).toBe(true);
    expect((await handshake(`new-verify-${run}`)).status).toBe(200);
  });
});
