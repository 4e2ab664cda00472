import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, logIn, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { createTestContact } from '../../test/session-factory.js';
import { auditLog, blacklistEntries, contactIdentities } from '../db/schema.js';
import { isBlacklisted } from './is-blacklisted.js';

let t: TestApp;
let a: TestTenant;
let s: TwoTenants['s'];
let api: TwoTenants['api'];

beforeAll(async () => {
  ({ t, a, s, api } = await startTwoTenants());
});
afterAll(() => t.close());

describe('blacklist administration', () => {
  it('adds a contact or a raw identity with a reason, refuses doubles, edits and removes entries', async () => {
    const contact = await createTestContact(t.database, a, { name: 'Spammer' });
    const byContact = await api(s.adminA!, 'POST', '/blacklist', { contactId: contact.id, reason: 'Abuse' });
    expect(byContact.status).toBe(201);
    expect(byContact.body).toMatchObject({ contactId: contact.id, contactName: 'Spammer', reason: 'Abuse' });
    expect((await api(s.adminA!, 'POST', '/blacklist', { contactId: contact.id })).status).toBe(409);

    const byPhone = await api(s.adminA!, 'POST', '/blacklist', {
      identityKind: 'phone',
      identityValue: '+420 777 123 456',
    });
    expect(byPhone.status).toBe(201);
    expect(byPhone.body).toMatchObject({
      identityKind: 'phone',
      identityValue: '420777123456',
      reason: null,
    });
    const same = await api(s.adminA!, 'POST', '/blacklist', {
      identityKind: 'phone',
      identityValue: '420777123456',
    });
    expect(same.status).toBe(409);

    const edited = await api(s.adminA!, 'PATCH', `/blacklist/${byPhone.body.id}`, { reason: 'Threats' });
    expect(edited.body.reason).toBe('Threats');
    expect((await api(s.adminA!, 'GET', '/blacklist')).body.items).toHaveLength(2);
    expect((await api(s.adminA!, 'DELETE', `/blacklist/${byContact.body.id}`)).status).toBe(204);
    expect((await api(s.adminA!, 'GET', '/blacklist')).body.items.map((e: { id: string }) => e.id)).toEqual([
      byPhone.body.id,
    ]);
    const actions = (await t.database.db.select().from(auditLog).where(eq(auditLog.tenantId, a.id))).map(
      (r) => r.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['blacklist.add', 'blacklist.update', 'blacklist.remove']),
    );
  });

  it('refuses bad entries, other tenants and non-administrators, changing nothing', async () => {
    const foreign = await createTestContact(t.database, a);
    const entry = await api(s.adminA!, 'POST', '/blacklist', {
      identityKind: 'email',
      identityValue: 'x@example.test',
    });
    const before = (await api(s.adminB!, 'GET', '/blacklist')).body.items;
    expect((await api(s.adminB!, 'POST', '/blacklist', { contactId: foreign.id })).status).toBe(404);
    expect(
      (await api(s.adminB!, 'POST', '/blacklist', { identityKind: 'fax', identityValue: '1' })).status,
    ).toBe(400);
    expect(
      (
        await api(s.adminB!, 'POST', '/blacklist', {
          contactId: foreign.id,
          identityKind: 'phone',
          identityValue: '1',
        })
      ).status,
    ).toBe(400);
    expect(
      (await api(s.adminB!, 'POST', '/blacklist', { identityKind: 'phone', identityValue: '+ -' })).status,
    ).toBe(422);
    expect((await api(s.adminB!, 'PATCH', `/blacklist/${entry.body.id}`, { reason: 'x' })).status).toBe(404);
    expect((await api(s.adminB!, 'DELETE', `/blacklist/${entry.body.id}`)).status).toBe(404);
    expect((await api(s.adminB!, 'GET', '/blacklist')).body.items).toEqual(before);
    expect((await api(s.supervisorA!, 'GET', '/blacklist')).status).toBe(403);
    expect((await api(s.supervisorA!, 'POST', '/blacklist', { contactId: foreign.id })).status).toBe(403);
  });

  it('says who added each entry: an administrator or an API key, none on older entries', async () => {
    const tenant = await createTestTenant(t.database);
    const admin = await logIn(t.url, tenant.admin);
    const byAdmin = await api(admin, 'POST', '/blacklist', { identityKind: 'psid', identityValue: '1001' });
    expect(byAdmin.body.createdBy).toEqual({ kind: 'user', name: tenant.admin.name });
    const key = await api(admin, 'POST', '/api-keys', { name: 'Importer', role: 'admin' });
    const byKey = await api({ authorization: `Bearer ${key.body.key}` }, 'POST', '/blacklist', {
      identityKind: 'psid',
      identityValue: '1002',
    });
    expect(byKey.status).toBe(201);
    expect(byKey.body.createdBy).toEqual({ kind: 'api_key', name: 'Importer' });
    // An entry from before who added it was kept.
    await t.database.db
      .insert(blacklistEntries)
      .values({ tenantId: tenant.id, identityKind: 'psid', identityValue: '1003' });
    const listed = (await api(admin, 'GET', '/blacklist')).body.items;
    expect(Object.fromEntries(listed.map((e: any) => [e.identityValue, e.createdBy]))).toEqual({
      '1001': { kind: 'user', name: tenant.admin.name },
      '1002': { kind: 'api_key', name: 'Importer' },
      '1003': null,
    });
    // Editing keeps who added it.
    const edited = await api(admin, 'PATCH', `/blacklist/${byKey.body.id}`, { reason: 'Spam' });
    expect(edited.body).toMatchObject({ reason: 'Spam', createdBy: { kind: 'api_key', name: 'Importer' } });
  });
});

describe('isBlacklisted', () => {
  it('matches the contact, its identities and card, and phone numbers written as wa_id', async () => {
    const tenant = await createTestTenant(t.database);
    const admin = await logIn(t.url, tenant.admin);
    const listed = await createTestContact(t.database, tenant);
    const clean = await createTestContact(t.database, tenant, { phone: '+420 111 222 333' });
    await api(admin, 'POST', '/blacklist', { contactId: listed.id });
    await api(admin, 'POST', '/blacklist', { identityKind: 'wa_id', identityValue: '420999888777' });
    await api(admin, 'POST', '/blacklist', { identityKind: 'email', identityValue: 'Troll@Example.test' });
    const check = (who: Parameters<typeof isBlacklisted>[2], tenantId = tenant.id) =>
      isBlacklisted(t.database.db, tenantId, who);

    expect(await check({ contactId: listed.id })).toBe(true);
    expect(await check({ contactId: clean.id })).toBe(false);
    expect(await check({ identities: [{ kind: 'phone', value: '+420 999 888 777' }] })).toBe(true);
    expect(await check({ identities: [{ kind: 'wa_id', value: '420999888777' }] })).toBe(true);
    expect(await check({ identities: [{ kind: 'email', value: 'troll@example.TEST' }] })).toBe(true);
    expect(await check({ identities: [{ kind: 'psid', value: '420999888777' }] })).toBe(false);
    expect(await check({})).toBe(false);
    // Not in another tenant.
    expect(await check({ identities: [{ kind: 'wa_id', value: '420999888777' }] }, a.id)).toBe(false);
    expect(await check({ contactId: listed.id }, a.id)).toBe(false);

    // A contact becomes blacklisted through an identity it gains, or the phone on its card.
    await t.database.db
      .insert(contactIdentities)
      .values({ tenantId: tenant.id, contactId: clean.id, kind: 'wa_id', value: '420999888777' });
    expect(await check({ contactId: clean.id })).toBe(true);
    const carded = await createTestContact(t.database, tenant, { phone: '+420999888777' });
    expect(await check({ contactId: carded.id })).toBe(true);
    // Writing from an identity that is not listed does not hide the e-mail on the card (the inbound path's call).
    const mailed = await createTestContact(t.database, tenant, { email: 'TROLL@example.test' });
    expect(
      await check({
        contactId: mailed.id,
        identities: [{ kind: 'wa_id', value: '420555000111' }],
        contactIsCurrent: true,
      }),
    ).toBe(true);

    // A duplicate merged into a blacklisted contact is refused as that contact.
    const duplicate = await createTestContact(t.database, tenant);
    expect(await check({ contactId: duplicate.id })).toBe(false);
    expect(
      (await api(admin, 'POST', `/contacts/${listed.id}/merge`, { sourceContactId: duplicate.id })).status,
    ).toBe(200);
    expect(await check({ contactId: duplicate.id })).toBe(true);
  });
});
