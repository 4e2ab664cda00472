import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { files } from '../db/schema.js';
import { listTree } from '../../test/s3-server.js';
import { startFilesTestApp, upload } from '../../test/file-helpers.js';
import { call, createTestTenant, logIn, type Session, type TestTenant } from '../../test/factories.js';
import type { TestApp } from '../../test/harness.js';
import { createTestSession } from '../../test/session-factory.js';

const MAX = 256 * 1024;
let t: TestApp & { config: { fileStore: { kind: string; dir?: string } } };
let a: TestTenant;
let operator: Session;
let sessionId: string;
let png: Buffer;

beforeAll(async () => {
  t = await startFilesTestApp({ config: { MAX_UPLOAD_BYTES: String(MAX) } });
  a = await createTestTenant(t.database);
  operator = await logIn(t.url, a.operators[0]!);
  sessionId = (await createTestSession(t.database, a, { operatorId: a.operators[0]!.id })).id;
  png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
});
afterAll(() => t.close());

const storeDir = () => (t.config.fileStore as { dir: string }).dir;
const rowsOf = (session: string) => t.database.db.select().from(files).where(eq(files.sessionId, session));
/** Downloads a file's content, reading the whole answer (an unread body would keep its connection busy). */
async function download(fileId: string, headers: Record<string, string> = {}, query = '') {
  const response = await fetch(`${t.url}/api/v1/files/${fileId}/content${query}`, {
    headers: { ...operator.headers, ...headers },
  });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

describe('uploading', () => {
  it('stores several files in one request, with size, sha256 and the sniffed type', async () => {
    const text = 'Dobrý den,\nhere is the order.\n';
    const response = await upload(t.url, sessionId, operator.headers, [
      { name: 'photo.png', data: png, type: 'image/png' },
      { name: 'order.txt', data: text, type: 'text/plain' },
    ]);
    expect(response.status).toBe(201);
    const [image, note] = response.body.items;
    expect(image).toMatchObject({
      name: 'photo.png',
      size: png.length,
      contentType: 'image/png',
      declaredType: 'image/png',
      typeMismatch: false,
      status: 'stored',
      createdBy: 'operator',
      sessionId,
    });
    expect(image.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(note).toMatchObject({ contentType: 'text/plain', size: Buffer.byteLength(text) });
    expect(note.preview).toMatchObject({ text, textTruncated: false });
    const back = await download(image.id);
    expect(back.status).toBe(200);
    expect(back.bytes.equals(png)).toBe(true);
  });

  it('takes the type from the bytes: a PDF named .jpg and declared image/jpeg is a PDF, and the lie is recorded', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const response = await upload(t.url, sessionId, operator.headers, [
      { name: 'holiday.jpg', data: pdf, type: 'image/jpeg' },
      { name: 'report.pdf', data: pdf, type: 'application/pdf' },
      { name: 'notes.txt', data: png, type: 'text/plain' },
    ]);
    expect(response.status).toBe(201);
    const [lying, honest, renamed] = response.body.items;
    expect(lying).toMatchObject({
      contentType: 'application/pdf',
      declaredType: 'image/jpeg',
      typeMismatch: true,
    });
    expect(honest).toMatchObject({ contentType: 'application/pdf', typeMismatch: false });
    expect(renamed).toMatchObject({ contentType: 'image/png', typeMismatch: true });
    const served = await download(lying.id);
    expect(served.headers.get('content-type')).toBe('application/pdf');
  });

  it('refuses an empty file and keeps nothing', async () => {
    const session = await createTestSession(t.database, a, { operatorId: a.operators[0]!.id });
    const response = await upload(t.url, session.id, operator.headers, [{ name: 'empty.txt', data: '' }]);
    expect(response.status).toBe(422);
    expect(response.body.error.details).toMatchObject({ reason: 'file_empty' });
    expect(await rowsOf(session.id)).toEqual([]);
  });

  it('refuses a file over the limit with 413 and the limit, and keeps nothing of the whole request', async () => {
    const session = await createTestSession(t.database, a, { operatorId: a.operators[0]!.id });
    const before = listTree(storeDir()).length;
    const response = await upload(t.url, session.id, operator.headers, [
      { name: 'small.txt', data: 'fits' },
      { name: 'big.bin', data: randomBytes(MAX + 1) },
    ]);
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({
      code: 'payload_too_large',
      details: { reason: 'file_too_large', limitBytes: MAX },
    });
    expect(await rowsOf(session.id)).toEqual([]);
    expect(listTree(storeDir()).length).toBe(before);
    // Exactly at the limit is fine.
    const atLimit = await upload(t.url, session.id, operator.headers, [
      { name: 'max.bin', data: randomBytes(MAX) },
    ]);
    expect(atLimit.status).toBe(201);
  });

  it('keeps nothing of an upload cut off midway', async () => {
    const session = await createTestSession(t.database, a, { operatorId: a.operators[0]!.id });
    const before = listTree(storeDir());
    const boundary = 'cut-off-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    const body = Buffer.concat([head, randomBytes(200 * 1024), Buffer.from(`\r\n--${boundary}--\r\n`)]);
    await new Promise<void>((resolve) => {
      const request = httpRequest(`${t.url}/api/v1/sessions/${session.id}/files`, {
        method: 'POST',
        headers: {
          ...operator.headers,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(body.length),
        },
      });
      request.on('error', () => resolve());
      request.on('response', () => resolve());
      request.write(body.subarray(0, 120 * 1024), () => setTimeout(() => request.destroy(), 200));
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await rowsOf(session.id)).toEqual([]);
    expect(listTree(storeDir()).sort()).toEqual(before.sort());
    // The server is unharmed.
    expect(
      (await call(t.url, 'GET', `/api/v1/sessions/${session.id}/files`, { headers: operator.headers }))
        .status,
    ).toBe(200);
  });

  it('keeps only the last part of a name with path characters; the store never sees the name', async () => {
    const response = await upload(t.url, sessionId, operator.headers, [
      { name: '../../../etc/passwd', data: 'root:x:0:0' },
      { name: 'C:\\Windows\\evil\u202egnp.exe.txt', data: 'hello' },
      { name: 'quo"te;%.txt', data: 'hello' },
    ]);
    expect(response.status).toBe(201);
    const names = response.body.items.map((f: { name: string }) => f.name);
    expect(names[0]).toBe('passwd');
    expect(names[1]).not.toMatch(/[\\/\u202e]/);
    expect(
      listTree(storeDir()).every((file) =>
        /^(tenants\/[0-9a-f-]+\/(files|thumbnails)\/[0-9a-f-]+(\.webp)?|tmp\/?)/.test(file),
      ),
    ).toBe(true);
    const stored = response.body.items[2];
    const disposition = (await download(stored.id)).headers.get('content-disposition')!;
    const [, fallback, encoded] = /^inline; filename="([^"\\]*)"; filename\*=UTF-8''(\S+)$/.exec(
      disposition,
    )!;
    expect(fallback).not.toMatch(/[;%]/);
    expect(decodeURIComponent(encoded!)).toBe(stored.name);
  });

  it('refuses uploads to a session that ended, and bodies that are not multipart', async () => {
    const ended = await createTestSession(t.database, a, { state: 'ended' });
    expect((await upload(t.url, ended.id, operator.headers, [{ name: 'a.txt', data: 'x' }])).status).toBe(
      409,
    );
    const json = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/files`, {
      headers: operator.headers,
      body: { file: 'x' },
    });
    expect(json.status).toBe(415);
    const none = await fetch(`${t.url}/api/v1/sessions/${sessionId}/files`, {
      method: 'POST',
      headers: operator.headers,
      body: new FormData(),
    });
    expect([400, 415]).toContain(none.status);
  });
});

describe('blocked types', () => {
  it('refuses a blocked extension, a blocked declared type and a blocked sniffed type, storing nothing', async () => {
    const admin = await logIn(t.url, a.admin);
    const put = await call(t.url, 'PUT', '/api/v1/admin/blocked-file-types', {
      headers: admin.headers,
      body: { mimeTypes: ['application/pdf', 'video/*'], extensions: ['.EXE', 'bat'] },
    });
    expect(put.status).toBe(200);
    const session = await createTestSession(t.database, a, { operatorId: a.operators[0]!.id });
    const exe = Buffer.concat([Buffer.from('MZ'), randomBytes(300)]);
    for (const file of [
      { name: 'setup.exe', data: exe },
      { name: 'clip.mov', data: 'x', type: 'video/quicktime' },
      { name: 'invoice.txt', data: Buffer.from('%PDF-1.4\n%%EOF\n'), type: 'text/plain' },
      { name: 'big.txt', data: Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(100 * 1024)]) },
    ]) {
      const response = await upload(t.url, session.id, operator.headers, [file]);
      expect(response.status, file.name).toBe(422);
      expect(response.body.error.details.reason).toBe('file_type_blocked');
      expect(response.body.error.message).toContain(file.name);
    }
    expect(await rowsOf(session.id)).toEqual([]);
  });
});

describe('downloading', () => {
  let audioId: string;
  const audio = randomBytes(10_000);

  beforeAll(async () => {
    // Random bytes with an MP3 frame header: sniffed as audio/mpeg.
    audio.set([0xff, 0xfb, 0x90, 0x64], 0);
    const response = await upload(t.url, sessionId, operator.headers, [{ name: 'voice.mp3', data: audio }]);
    audioId = response.body.items[0].id;
  });

  it('answers ranges with 206 and the exact bytes, so players can seek', async () => {
    const part = await download(audioId, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${audio.length}`);
    expect(part.headers.get('content-length')).toBe('100');
    expect(part.bytes.equals(audio.subarray(100, 200))).toBe(true);

    const tail = await download(audioId, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(audio.subarray(-10))).toBe(true);

    const open = await download(audioId, { range: `bytes=${audio.length - 5}-` });
    expect(open.headers.get('content-range')).toBe(
      `bytes ${audio.length - 5}-${audio.length - 1}/${audio.length}`,
    );
    expect(open.bytes.length).toBe(5);

    const whole = await download(audioId);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
  });

  it('answers 416 with the size for a range past the end', async () => {
    const response = await download(audioId, { range: `bytes=${audio.length}-` });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${audio.length}`);
  });

  it('serves HTML, SVG, JavaScript and XML as attachments with nosniff, whatever they are called', async () => {
    const response = await upload(t.url, sessionId, operator.headers, [
      { name: 'page.html', data: '<!DOCTYPE html><script>alert(1)</script>', type: 'text/html' },
      { name: 'logo.svg', data: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>' },
      { name: 'app.js', data: 'alert(1)', type: 'text/javascript' },
      { name: 'innocent.txt', data: '<?xml version="1.0"?><x/>' },
      { name: 'data.bin', data: randomBytes(64) },
    ]);
    expect(response.status).toBe(201);
    expect(response.body.items.map((f: { contentType: string }) => f.contentType)).toEqual([
      'text/html',
      'image/svg+xml',
      'text/plain',
      'application/xml',
      'application/octet-stream',
    ]);
    for (const file of response.body.items) {
      const served = await download(file.id);
      expect(served.headers.get('content-disposition'), file.name).toMatch(/^attachment;/);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-security-policy')).toContain('sandbox');
    }
    const image = (await upload(t.url, sessionId, operator.headers, [{ name: 'ok.png', data: png }])).body
      .items[0];
    expect((await download(image.id)).headers.get('content-disposition')).toMatch(/^inline;/);
    const forced = await download(image.id, {}, '?download=true');
    expect(forced.headers.get('content-disposition')).toMatch(/^attachment;/);
  });
});
