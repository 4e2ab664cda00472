import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertStorageKey,
  FileMissingError,
  storageKeys,
  type ByteRange,
  type FileStore,
} from './file-store.js';

/** Files on local disk under one directory (by default `<DATA_DIR>/files`). For one machine. */
export function createLocalFileStore(root: string): FileStore {
  const base = path.resolve(root);
  const pathOf = (key: string) => {
    assertStorageKey(key);
    const full = path.resolve(base, key);
    if (!full.startsWith(base + path.sep)) throw new Error(`Invalid storage key "${key}"`);
    return full;
  };
  const missing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

  return {
    async put(key, body) {
      const file = pathOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      let size = 0;
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          done(null, chunk);
        },
      });
      const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
      try {
        await pipeline(body, count, out);
      } catch (error) {
        // The pipeline can fail before the file is even opened: wait for the stream to close, or the
        // open still in flight would create the file after it was removed.
        if (!out.closed) await once(out, 'close').catch(() => {});
        await unlink(file).catch(() => {});
        throw error;
      }
      return { size };
    },
    async get(key, range?: ByteRange) {
      const file = pathOf(key);
      // Open first, so a missing file fails here rather than as a stream error after headers are sent.
      const stream = createReadStream(file, range ? { start: range.start, end: range.end } : {});
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (error) => reject(missing(error) ? new FileMissingError(key) : error));
      });
      return stream as Readable;
    },
    async stat(key) {
      try {
        const info = await stat(pathOf(key));
        return { size: info.size };
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    async move(from, to) {
      const target = pathOf(to);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(pathOf(from), target);
    },
    async delete(key) {
      await unlink(pathOf(key)).catch((error: unknown) => {
        if (!missing(error)) throw error;
      });
    },
    async removeTemporary(olderThan) {
      const dir = path.join(base, storageKeys.temporaryPrefix);
      const names = await readdir(dir).catch((error: unknown) => {
        if (missing(error)) return [] as string[];
        throw error;
      });
      let removed = 0;
      for (const name of names) {
        const file = path.join(dir, name);
        // The time of the last write: a slow upload still streaming in keeps it recent.
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile() || info.mtime >= olderThan) continue;
        await unlink(file).catch(() => {});
        removed += 1;
      }
      return removed;
    },
  };
}
