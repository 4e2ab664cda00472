import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3Server } from '../../test/s3-server.js';
import { startFilesTestApp, upload } from '../../test/file-helpers.js';
import { call, createTestTenant, logIn, type Session } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { createTestSession } from '../../test/session-factory.js';
import { makeFilePreview } from './make-file-preview.js';
import type { FileStore } from './file-store.js';

/** A PNG of a few dozen bytes that declares 50,000 × 50,000 pixels: 2.5 gigapixels if anyone decoded it. */
function imageBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(50_000, 0);
  header.writeUInt32BE(50_000, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let s3: S3Server;
let t: TestApp & { fileStore: FileStore };
let operator: Session;
let sessionId: string;

// One app on S3: uploads, downloads and previews go through the S3 store end to end.
beforeAll(async () => {
  s3 = await startS3Server();
  t = await startFilesTestApp({ config: s3.env });
  const tenant = await createTestTenant(t.database);
  operator = await logIn(t.url, tenant.operators[0]!);
  sessionId = (await createTestSession(t.database, tenant, { operatorId: tenant.operators[0]!.id })).id;
});
afterAll(async () => {
  await t.close();
  await s3.close();
});

const fileInfo = (id: string) => call(t.url, 'GET', `/api/v1/files/${id}`, { headers: operator.headers });

/**
 * The upload enqueued the preview job in its transaction; the test runs that job's handler itself, as the worker
 * would (on a shared test database another test file's worker could claim the job, with another store).
 */
async function runPreviewJob(fileId: string) {
  const { rows } = await t.database.query<{ id: string }>(
    `SELECT id FROM pgboss.job WHERE name = $1 AND data->>'fileId' = $2`,
    [makeFilePreview.name, fileId],
  );
  expect(rows).toHaveLength(1);
  await makeFilePreview.handle(
    { database: t.database, fileStore: t.fileStore },
    { fileId },
    { id: rows[0]!.id, retryCount: 0 },
  );
}

describe('previews (S3 store, worker)', () => {
  it('makes an image thumbnail once, as a job, and serves it', async () => {
    const photo = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#c0ffee' } })
      .jpeg()
      .toBuffer();
    const response = await upload(t.url, sessionId, operator.headers, [{ name: 'photo.jpg', data: photo }]);
    expect(response.status).toBe(201);
    const id = response.body.items[0].id;
    await runPreviewJob(id);
    const info = await fileInfo(id);
    expect(info.body.preview.thumbnail).toEqual({ width: 320, height: 213 });
    expect(info.body.thumbnailUrl).toBe(`/api/v1/files/${id}/thumbnail`);
    const thumbnail = await fetch(`${t.url}${info.body.thumbnailUrl}`, { headers: operator.headers });
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 320, height: 213 });
    // The original is untouched, and ranges work on S3 too.
    const part = await fetch(`${t.url}/api/v1/files/${id}/content`, {
      headers: { ...operator.headers, range: 'bytes=0-99' },
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(photo.subarray(0, 100))).toBe(true);
  });

  it('refuses to decode an image bomb: no thumbnail, a reason, and the process carries on', async () => {
    const bomb = imageBomb();
    expect(bomb.length).toBeLessThan(200);
    const before = process.memoryUsage().rss;
    const response = await upload(t.url, sessionId, operator.headers, [{ name: 'bomb.png', data: bomb }]);
    expect(response.status).toBe(201);
    expect(response.body.items[0].contentType).toBe('image/png');
    const id = response.body.items[0].id;
    await runPreviewJob(id);
    const info = await fileInfo(id);
    expect(info.body.preview.thumbnail).toBeNull();
    expect(info.body.preview.thumbnailError).toMatch(/pixel limit/i);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    const thumbnail = await call(t.url, 'GET', `/api/v1/files/${id}/thumbnail`, {
      headers: operator.headers,
    });
    expect(thumbnail.status).toBe(404);
    // Still serving, and the file itself can be downloaded.
    expect((await fetch(`${t.url}/api/v1/files/${id}/content`, { headers: operator.headers })).status).toBe(
      200,
    );
  });

  it('keeps a readable excerpt of a text file, cut on a character boundary', async () => {
    const text = 'Příliš žluťoučký kůň úpěl ďábelské ódy. '.repeat(100);
    const response = await upload(t.url, sessionId, operator.headers, [{ name: 'poem.txt', data: text }]);
    const preview = response.body.items[0].preview;
    expect(preview.textTruncated).toBe(true);
    expect(Buffer.byteLength(preview.text)).toBeLessThanOrEqual(2048);
    expect(text.startsWith(preview.text)).toBe(true);
    expect(preview.text).not.toContain('\uFFFD');
    expect(response.body.items[0].preview.thumbnail).toBeNull();
  });
});
