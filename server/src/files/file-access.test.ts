import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFilesTestApp, upload } from '../../test/file-helpers.js';
import { call, createTestTenant, logIn, type Session, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { createTestSession } from '../../test/session-factory.js';
import { createSignedFileUrl } from './signed-file-url.js';
import { sessions } from '../db/schema.js';
import { eq } from 'drizzle-orm';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const s: Record<string, Session> = {};
let sessionId: string;
let contactId: string;
let fileId: string;
const content = 'Invoice 2026-11\nTotal: 1 200 CZK\n';

beforeAll(async () => {
  t = await startFilesTestApp();
  a = await createTestTenant(t.database);
  b = await createTestTenant(t.database);
  s.olga = await logIn(t.url, a.operators[0]!); // group A
  s.petr = await logIn(t.url, a.operators[1]!); // group B
  s.supervisorA = await logIn(t.url, a.supervisor);
  s.adminA = await logIn(t.url, a.admin);
  s.adminB = await logIn(t.url, b.admin);
  const session = await createTestSession(t.database, a, { operatorId: a.operators[0]!.id });
  sessionId = session.id;
  contactId = session.contactId;
  const response = await upload(t.url, sessionId, s.olga.headers, [{ name: 'invoice.txt', data: content }]);
  fileId = response.body.items[0].id;
});
afterAll(() => t.close());

const paths = () => [
  `/api/v1/files/${fileId}`,
  `/api/v1/files/${fileId}/content`,
  `/api/v1/sessions/${sessionId}/files`,
];

describe('who may see a file', () => {
  it('the session’s group, its participants and administrators', async () => {
    for (const who of ['olga', 'supervisorA', 'adminA']) {
      for (const path of paths()) {
        expect((await call(t.url, 'GET', path, { headers: s[who]!.headers })).status, `${who} ${path}`).toBe(
          200,
        );
      }
    }
    const content_ = await call(t.url, 'GET', `/api/v1/files/${fileId}/content`, {
      headers: s.olga!.headers,
    });
    expect(content_.body).toBe(content);
  });

  it('an operator of another group gets 404 for the file, its content and the session’s files', async () => {
    for (const path of [...paths(), `/api/v1/files/${fileId}/thumbnail`]) {
      const response = await call(t.url, 'GET', path, { headers: s.petr!.headers });
      expect(response.status, path).toBe(404);
    }
    const signed = await call(t.url, 'POST', `/api/v1/files/${fileId}/signed-url`, {
      headers: s.petr!.headers,
      body: {},
    });
    expect(signed.status).toBe(404);
    expect((await upload(t.url, sessionId, s.petr!.headers, [{ name: 'x.txt', data: 'x' }])).status).toBe(
      404,
    );
  });

  it('another tenant’s administrator gets 404, the same as for a file that does not exist', async () => {
    const missing = await call(t.url, 'GET', '/api/v1/files/00000000-0000-4000-8000-000000000000', {
      headers: s.adminB!.headers,
    });
    for (const path of paths()) {
      const response = await call(t.url, 'GET', path, { headers: s.adminB!.headers });
      expect(response.status, path).toBe(404);
    }
    const other = await call(t.url, 'GET', `/api/v1/files/${fileId}`, { headers: s.adminB!.headers });
    expect(other.body.error.code).toBe(missing.body.error.code);
  });

  it('nobody without credentials', async () => {
    for (const path of paths()) expect((await call(t.url, 'GET', path)).status).toBe(401);
  });

  it('Session Files stay readable after the session ended, and a contact’s files list them', async () => {
    await t.database.db
      .update(sessions)
      .set({ state: 'ended', endedAt: new Date() })
      .where(eq(sessions.id, sessionId));
    const list = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}/files`, {
      headers: s.olga!.headers,
    });
    expect(list.body.items.map((f: { id: string }) => f.id)).toEqual([fileId]);
    const byContact = await call(t.url, 'GET', `/api/v1/contacts/${contactId}/files`, {
      headers: s.supervisorA!.headers,
    });
    expect(byContact.body.items.map((f: { id: string }) => f.id)).toEqual([fileId]);
    const hidden = await call(t.url, 'GET', `/api/v1/contacts/${contactId}/files`, {
      headers: s.petr!.headers,
    });
    expect(hidden.body.items).toEqual([]);
  });
});

describe('signed links', () => {
  it('let anyone holding one download until it expires', async () => {
    const created = await call(t.url, 'POST', `/api/v1/files/${fileId}/signed-url`, {
      headers: s.olga!.headers,
      body: { ttlSeconds: 60 },
    });
    expect(created.status).toBe(200);
    expect(created.body.url).toMatch(new RegExp(`^${t.url}/files/signed/`));
    const response = await fetch(created.body.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(content);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const ranged = await fetch(created.body.url, { headers: { range: 'bytes=0-6' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('Invoice');
  });

  it('refuse an expired link with 403 and a tampered one with 404', async () => {
    const created = await call(t.url, 'POST', `/api/v1/files/${fileId}/signed-url`, {
      headers: s.olga!.headers,
      body: { ttlSeconds: 60 },
    });
    const valid: string = created.body.url;
    expect((await fetch(valid)).status).toBe(200);
    const [base, token] = valid.split('/files/signed/') as [string, string];
    const [id, expiry, signature] = token.split('.') as [string, string, string];
    const otherFile = `${base}/files/signed/00000000-0000-4000-8000-000000000000.${expiry}.${signature}`;
    expect((await fetch(otherFile)).status).toBe(404);
    const longer = `${base}/files/signed/${id}.${(parseInt(expiry, 36) + 3600).toString(36)}.${signature}`;
    expect((await fetch(longer)).status).toBe(404);
    const flipped = valid.slice(0, -1) + (valid.endsWith('A') ? 'B' : 'A');
    expect((await fetch(flipped)).status).toBe(404);
    expect((await fetch(`${t.url}/files/signed/garbage`)).status).toBe(404);
    const foreignKey = { config: { ...t.config, secretKey: Buffer.alloc(32, 9) }, now: t.clock.now };
    expect((await fetch(createSignedFileUrl(foreignKey, fileId, 60))).status).toBe(404);

    t.clock.set(new Date(t.clock.now().getTime() + 61_000));
    const expired = await call(t.url, 'GET', new URL(valid).pathname);
    expect(expired.status).toBe(403);
    expect(expired.body.error.message).toBe('The link has expired');
  });
});

describe('the API document', () => {
  it('lists the file routes, binary answers included; HEAD answers with the headers only', async () => {
    const doc = await call(t.url, 'GET', '/api/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/sessions/{id}/files',
        '/api/v1/files/{id}/content',
        '/api/v1/admin/blocked-file-types',
        '/files/signed/{token}',
      ]),
    );
    const head = await fetch(`${t.url}/api/v1/files/${fileId}/content`, {
      method: 'HEAD',
      headers: s.olga!.headers,
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(content)));
    expect(await head.text()).toBe('');
  });
});
