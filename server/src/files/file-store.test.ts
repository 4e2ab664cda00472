import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTree, startS3Server, type S3Server } from '../../test/s3-server.js';
import { FileMissingError, type FileStore } from './file-store.js';
import { createLocalFileStore } from './local-file-store.js';
import { createS3FileStore } from './s3-file-store.js';

let s3: S3Server;
let localDir: string;
beforeAll(async () => {
  s3 = await startS3Server();
  localDir = mkdtempSync(path.join(tmpdir(), 'switchboard-store-'));
});
afterAll(() => s3.close());

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stream that sends some bytes, then fails: a connection lost mid-upload. */
function failingStream(before: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(before);
      } else this.destroy(new Error('connection lost'));
    },
  });
}

const stores: Array<[string, () => FileStore]> = [
  ['local disk', () => createLocalFileStore(localDir)],
  [
    'S3 (s3rver)',
    () =>
      createS3FileStore(
        {
          kind: 's3',
          endpoint: s3.endpoint,
          region: 'us-east-1',
          bucket: s3.bucket,
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
          forcePathStyle: true,
        },
        // Small parts, so a small test file goes up as a real multipart upload.
        { partBytes: 64 * 1024 },
      ),
  ],
];

describe.each(stores)('file store contract: %s', (_name, make) => {
  it('writes a stream, reads it whole and by range, stats, moves and deletes', async () => {
    const store = make();
    const data = randomBytes(200 * 1024 + 17);
    expect(
      await store.put('tmp/contract-1', Readable.from([data.subarray(0, 1000), data.subarray(1000)])),
    ).toEqual({
      size: data.length,
    });
    expect(await store.stat('tmp/contract-1')).toEqual({ size: data.length });
    await store.move('tmp/contract-1', 'tenants/t1/files/contract-1');
    expect(await store.stat('tmp/contract-1')).toBeUndefined();
    expect((await bytes(await store.get('tenants/t1/files/contract-1'))).equals(data)).toBe(true);
    const part = await bytes(await store.get('tenants/t1/files/contract-1', { start: 100, end: 199 }));
    expect(part.equals(data.subarray(100, 200))).toBe(true);
    await store.delete('tenants/t1/files/contract-1');
    expect(await store.stat('tenants/t1/files/contract-1')).toBeUndefined();
    await store.delete('tenants/t1/files/contract-1');
  });

  it('a missing object is a FileMissingError', async () => {
    await expect(make().get('tenants/t1/files/none')).rejects.toBeInstanceOf(FileMissingError);
  });

  it('leaves nothing behind when the stream fails midway, small or multipart', async () => {
    const store = make();
    for (const size of [10, 300 * 1024]) {
      await expect(store.put(`tmp/broken-${size}`, failingStream(randomBytes(size)))).rejects.toThrow(
        'connection lost',
      );
      expect(await store.stat(`tmp/broken-${size}`)).toBeUndefined();
    }
  });

  it('refuses keys that could leave the store', async () => {
    const store = make();
    for (const key of ['../escape', '/etc/passwd', 'tmp/../../x', 'tmp\\x', 'tmp/.hidden', '', 'a//b']) {
      await expect(store.put(key, Readable.from(['x'])), key).rejects.toThrow(/Invalid storage key/);
      await expect(store.get(key), key).rejects.toThrow(/Invalid storage key/);
    }
  });

  it('stores an empty object', async () => {
    const store = make();
    await store.put('tmp/empty', Readable.from([]));
    expect(await text(await store.get('tmp/empty'))).toBe('');
    await store.delete('tmp/empty');
  });
});

it('the local store keeps everything under its directory', () => {
  expect(listTree(localDir).every((file) => !file.startsWith('..'))).toBe(true);
});

it('the local store leaves no file when an upload fails before the file is even open', async () => {
  // Failing at once races the file's opening; a removal that does not wait for it leaves a file behind.
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-store-'));
  const store = createLocalFileStore(dir);
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection lost'));
      },
    });
    await expect(store.put(`tmp/failed-${attempt}`, failing)).rejects.toThrow('connection lost');
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(readdirSync(path.join(dir, 'tmp'))).toEqual([]);
});
