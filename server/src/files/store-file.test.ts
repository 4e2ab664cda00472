import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { files } from '../db/schema.js';
import { createTestTenant, type TestTenant } from '../../test/factories.js';
import { openTestDatabase } from '../../test/harness.js';
import { listTree } from '../../test/s3-server.js';
import type { FileStore } from './file-store.js';
import { createLocalFileStore } from './local-file-store.js';
import { storeFile } from './store-file.js';

let database: Database;
let tenant: TestTenant;
let dir: string;
let store: FileStore;

beforeAll(async () => {
  database = await openTestDatabase();
  tenant = await createTestTenant(database);
  dir = mkdtempSync(path.join(tmpdir(), 'switchboard-store-file-'));
  store = createLocalFileStore(dir);
});
afterAll(() => database.close());

const input = (content: Readable) => ({
  tenantId: tenant.id,
  sessionId: null,
  name: 'note.txt',
  content,
  createdBy: 'system' as const,
  onBlocked: 'refuse' as const,
});
const rows = () => database.db.select().from(files).where(eq(files.tenantId, tenant.id));

describe('storeFile', () => {
  it('a sender that fails midway is the upload’s fault (422), and nothing is kept', async () => {
    // Fails once the first part has been read: the store is reading, so the failure is its to handle, however slow
    // the machine (a timer could fire before anything listened, an uncaught error).
    let reads = 0;
    const source = new Readable({
      read() {
        if (reads++ === 0) this.push('first part, ');
        else setImmediate(() => this.destroy(new Error('socket hang up')));
      },
    });
    await expect(
      storeFile({ database, fileStore: store, maxUploadBytes: 1000 }, input(source)),
    ).rejects.toMatchObject({
      status: 422,
      details: { reason: 'upload_incomplete' },
    });
    expect(await rows()).toEqual([]);
    expect(listTree(dir)).toEqual([]);
  });

  it('a store that fails is a server error, not the sender’s, and nothing is kept', async () => {
    const full: FileStore = {
      ...store,
      put: async (key, body) => {
        body.resume();
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      },
    };
    await expect(
      storeFile({ database, fileStore: full, maxUploadBytes: 1000 }, input(Readable.from(['hello']))),
    ).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await rows()).toEqual([]);
  });

  it('stores a file of no session (made by the system) with its hash', async () => {
    const row = await storeFile(
      { database, fileStore: store, maxUploadBytes: 1000 },
      input(Readable.from(['hello'])),
    );
    expect(row).toMatchObject({
      status: 'stored',
      size: 5,
      sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      contentType: 'text/plain',
    });
    expect(listTree(dir)).toEqual([`tenants/${tenant.id}/files/${row.id}`]);
  });

  it('runs the caller’s work in the file’s transaction: if it fails, neither the row nor the content stays', async () => {
    const seen: string[] = [];
    const row = await storeFile(
      { database, fileStore: store, maxUploadBytes: 1000 },
      {
        ...input(Readable.from(['attached'])),
        onBlocked: 'record',
        inTransaction: async (_tx, file) => {
          seen.push(file.status);
        },
      },
    );
    expect(seen).toEqual(['stored']);
    const before = listTree(dir);
    await expect(
      storeFile(
        { database, fileStore: store, maxUploadBytes: 1000 },
        {
          ...input(Readable.from(['never kept'])),
          inTransaction: async () => {
            throw new Error('message gone');
          },
        },
      ),
    ).rejects.toThrow('message gone');
    expect((await rows()).map((r) => r.id)).toContain(row.id);
    expect(await rows()).toHaveLength(2);
    expect(listTree(dir)).toEqual(before);
  });
});
