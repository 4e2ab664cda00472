import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestTenant, logIn, type Session, type TestTenant } from '../../test/factories.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { createTestChannelAccount, createTestSession } from '../../test/session-factory.js';

let t: TestApp;
let tenant: TestTenant;
let admin: Session;

beforeAll(async () => {
  t = await startTestApp({ worker: false });
  tenant = await createTestTenant(t.database);
  admin = await logIn(t.url, tenant.admin);
});
afterAll(() => t.close());

describe('the session table, page by page', () => {
  it('shows every session once, newest first, also those one transaction opened together', async () => {
    const account = await createTestChannelAccount(t.database, tenant);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await createTestSession(t.database, tenant, { channelAccountId: account.id })).id);
    // Five opened by one transaction share its time to the microsecond (a group of first messages does that).
    await t.database.query(
      `UPDATE sessions SET created_at = '2026-12-01 10:00:00.123456+00' WHERE id = ANY ($1::uuid[])`,
      [ids.slice(0, 5)],
    );

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const listed = await call(
        t.url,
        'GET',
        `/api/v1/sessions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { headers: admin.headers },
      );
      expect(listed.status).toBe(200);
      seen.push(...(listed.body.items as Array<{ id: string }>).map((item) => item.id));
      cursor = listed.body.nextCursor as string | null;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(ids));
    // The two made later first, then the five of the one transaction, by id.
    expect(seen.slice(0, 2).sort()).toEqual(ids.slice(5).sort());
    expect(seen.slice(2)).toEqual(ids.slice(0, 5).sort().reverse());
  });

  it('refuses a cursor it did not give out, with a stable code', async () => {
    const forged = [
      ' | ',
      'garbage',
      '2026-12-01T10:00:00.000Z|00000000-0000-4000-8000-000000000000',
      Buffer.from(JSON.stringify(['yesterday', '00000000-0000-4000-8000-000000000000'])).toString(
        'base64url',
      ),
      Buffer.from(JSON.stringify(['2026-12-01T10:00:00Z', 'not a uuid'])).toString('base64url'),
    ];
    for (const cursor of forged) {
      const listed = await call(t.url, 'GET', `/api/v1/sessions?cursor=${encodeURIComponent(cursor)}`, {
        headers: admin.headers,
      });
      expect(listed.status, cursor).toBe(400);
      expect(listed.body.error.code).toBe('validation_failed');
    }
  });
});
