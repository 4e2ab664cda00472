import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTree, startS3Server, type S3Server } from '../../test/s3-server.js';
import { startFilesTestApp, upload } from '../../test/file-helpers.js';
import { createTestTenant, logIn } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { createTestSession } from '../../test/session-factory.js';
import { storageKeys, type FileStore } from './file-store.js';
import { sweepOrphanFiles } from './sweep-orphan-files.js';

const HOUR = 3_600_000;

let t: TestApp & { fileStore: FileStore };
let s3: S3Server;
let s3App: TestApp & { fileStore: FileStore };

beforeAll(async () => {
  s3 = await startS3Server();
  // The age comes from the configuration: two hours.
  t = await startFilesTestApp({ config: { ORPHAN_FILE_MAX_AGE_MINUTES: '120' } });
  s3App = await startFilesTestApp({ config: { ...s3.env, ORPHAN_FILE_MAX_AGE_MINUTES: '120' } });
});
afterAll(async () => {
  await t?.close();
  await s3App?.close();
  await s3?.close();
});

const sweepNow = (app: TestApp & { fileStore: FileStore }) =>
  sweepOrphanFiles.handle(
    { database: app.database, fileStore: app.fileStore, now: () => new Date() },
    {},
    { id: 'test', retryCount: 0 },
  );

describe('temporary files of uploads a crash cut short', () => {
  it('local store: the hourly sweep removes those older than the age, keeps younger ones and stored files', async () => {
    const dir = (t.config.fileStore as { dir: string }).dir;
    const tenant = await createTestTenant(t.database);
    const operator = await logIn(t.url, tenant.operators[0]!);
    const session = await createTestSession(t.database, tenant, { operatorId: tenant.operators[0]!.id });
    const uploaded = await upload(t.url, session.id, operator.headers, [
      { name: 'kept.txt', data: 'stored' },
    ]);
    expect(uploaded.status).toBe(201);
    const stored = listTree(dir).filter((key) => !key.startsWith('tmp'));
    expect(stored).toHaveLength(1);

    // What a process killed mid-upload leaves: part of a file under tmp/, never moved to its key.
    mkdirSync(path.join(dir, 'tmp'), { recursive: true });
    const crashed = path.join(dir, storageKeys.temporary(randomUUID()));
    const recent = path.join(dir, storageKeys.temporary(randomUUID()));
    writeFileSync(crashed, randomBytes(64 * 1024));
    writeFileSync(recent, randomBytes(1024));
    const threeHoursAgo = new Date(Date.now() - 3 * HOUR);
    utimesSync(crashed, threeHoursAgo, threeHoursAgo);
    const oneHourAgo = new Date(Date.now() - HOUR);
    utimesSync(recent, oneHourAgo, oneHourAgo);

    await sweepNow(t);
    expect(listTree(dir).sort()).toEqual([...stored, path.relative(dir, recent)].sort());
    // The stored file is still served.
    const download = await fetch(`${t.url}/api/v1/files/${uploaded.body.items[0].id}/content`, {
      headers: operator.headers,
    });
    expect(await download.text()).toBe('stored');
  });

  it('S3 store: objects under tmp/ written before the age are removed, later ones and stored objects kept', async () => {
    const store = s3App.fileStore;
    const crashed = storageKeys.temporary(randomUUID());
    const content = storageKeys.content(randomUUID(), randomUUID());
    await store.put(crashed, Readable.from([randomBytes(2048)]));
    await store.put(content, Readable.from([Buffer.from('kept')]));

    // The job at the real time: the object was just written, so it is kept (and s3rver's missing listing of
    // multipart uploads does not fail the sweep).
    await sweepNow(s3App);
    expect(await store.stat(crashed)).toEqual({ size: 2048 });

    // Its last write lies before a cut-off two seconds ahead (S3 times have one-second precision).
    expect(await store.removeTemporary(new Date(Date.now() - HOUR))).toBe(0);
    expect(await store.removeTemporary(new Date(Date.now() + 2000))).toBe(1);
    expect(await store.stat(crashed)).toBeUndefined();
    expect(await store.stat(content)).toEqual({ size: 4 });
  });
});
