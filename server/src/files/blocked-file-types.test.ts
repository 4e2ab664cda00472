import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants } from '../db/schema.js';
import { listTree } from '../../test/s3-server.js';
import { startFilesTestApp } from '../../test/file-helpers.js';
import { call, createTestTenant, logIn, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { createTestSession } from '../../test/session-factory.js';
import { DEFAULT_BLOCKED_FILE_TYPES } from './check-upload.js';
import type { FileStore } from './file-store.js';
import { storeFile } from './store-file.js';

let t: TestApp & { fileStore: FileStore };
let a: TestTenant;

beforeAll(async () => {
  t = await startFilesTestApp();
  a = await createTestTenant(t.database);
});
afterAll(() => t.close());

const path = '/api/v1/admin/blocked-file-types';

describe('blocked file types, administration', () => {
  it('starts with the defaults, is replaced by an administrator, and leaves other settings alone', async () => {
    await t.database.db
      .update(tenants)
      .set({ settings: { wrapupRequired: true } })
      .where(eq(tenants.id, a.id));
    const admin = await logIn(t.url, a.admin);
    expect((await call(t.url, 'GET', path, { headers: admin.headers })).body).toEqual(
      DEFAULT_BLOCKED_FILE_TYPES,
    );
    const put = await call(t.url, 'PUT', path, {
      headers: admin.headers,
      body: { mimeTypes: ['Application/X-Msdownload', 'video/*', 'video/*'], extensions: ['.EXE', 'js'] },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      mimeTypes: ['application/x-msdownload', 'video/*'],
      extensions: ['exe', 'js'],
    });
    expect((await call(t.url, 'GET', path, { headers: admin.headers })).body).toEqual(put.body);
    const [tenant] = await t.database.db.select().from(tenants).where(eq(tenants.id, a.id));
    expect(tenant!.settings).toEqual({ wrapupRequired: true, blockedFileTypes: put.body });
  });

  it('operators read the upload policy but cannot change the list', async () => {
    const operator = await logIn(t.url, a.operators[0]!);
    const denied = await call(t.url, 'PUT', path, {
      headers: operator.headers,
      body: { mimeTypes: [], extensions: [] },
    });
    expect(denied.status).toBe(403);
    const policy = await call(t.url, 'GET', '/api/v1/files/upload-policy', { headers: operator.headers });
    expect(policy.status).toBe(200);
    expect(policy.body.maxUploadBytes).toBe(t.config.maxUploadBytes);
    expect(policy.body.channelLimits.whatsapp.kinds[0]).toMatchObject({
      kind: 'image',
      maxBytes: 5 * 1024 * 1024,
    });
  });

  it('refuses malformed entries', async () => {
    const admin = await logIn(t.url, a.admin);
    for (const body of [
      { mimeTypes: ['not a type'], extensions: [] },
      { mimeTypes: [], extensions: ['../x'] },
      { mimeTypes: [], extensions: [], other: 1 },
    ]) {
      expect((await call(t.url, 'PUT', path, { headers: admin.headers, body })).status).toBe(400);
    }
  });
});

describe('a blocked file from a customer', () => {
  it('is not stored, but recorded as "blocked file: name, type" for the operator', async () => {
    const tenant = await createTestTenant(t.database);
    const session = await createTestSession(t.database, tenant);
    const before = listTree((t.config.fileStore as { dir: string }).dir);
    const deps = { database: t.database, fileStore: t.fileStore, maxUploadBytes: 1024 * 1024 };
    const program = Buffer.concat([Buffer.from('MZ'), randomBytes(100 * 1024)]);
    // Named like a document: blocked by what the bytes are, before they all arrive.
    const row = await storeFile(deps, {
      tenantId: tenant.id,
      sessionId: session.id,
      name: 'invoice.pdf',
      declaredType: 'application/pdf',
      content: Readable.from([program.subarray(0, 70_000), program.subarray(70_000)]),
      createdBy: 'customer',
      onBlocked: 'record',
    });
    expect(row).toMatchObject({
      status: 'blocked',
      storageKey: null,
      contentType: 'application/x-msdownload',
      error: 'blocked file: invoice.pdf, application/x-msdownload',
    });
    const byName = await storeFile(deps, {
      tenantId: tenant.id,
      sessionId: session.id,
      name: 'run.bat',
      content: Readable.from(['@echo off']),
      createdBy: 'customer',
      onBlocked: 'record',
    });
    expect(byName).toMatchObject({ status: 'blocked', error: 'blocked file: run.bat, bat' });
    expect(listTree((t.config.fileStore as { dir: string }).dir)).toEqual(before);

    const operator = await logIn(t.url, tenant.admin);
    const list = await call(t.url, 'GET', `/api/v1/sessions/${session.id}/files`, {
      headers: operator.headers,
    });
    expect(
      list.body.items.map((f: { status: string; contentUrl: string | null }) => [f.status, f.contentUrl]),
    ).toEqual([
      ['blocked', null],
      ['blocked', null],
    ]);
    const content = await call(t.url, 'GET', `/api/v1/files/${row.id}/content`, {
      headers: operator.headers,
    });
    expect(content.status).toBe(404);
  });

  it('a truncated download from a channel is refused, and nothing is kept', async () => {
    const tenant = await createTestTenant(t.database);
    const deps = { database: t.database, fileStore: t.fileStore, maxUploadBytes: 1024 * 1024 };
    await expect(
      storeFile(deps, {
        tenantId: tenant.id,
        sessionId: null,
        name: 'voice.ogg',
        content: Readable.from([randomBytes(1000)]),
        createdBy: 'customer',
        onBlocked: 'record',
        expectedSize: 5000,
      }),
    ).rejects.toMatchObject({ details: { reason: 'file_truncated' } });
  });
});
