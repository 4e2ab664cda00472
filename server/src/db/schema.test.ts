import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from './database.js';
import { channelAccounts } from './schema.js';
import { insertChannelAccount, openCredentials } from '../channels/channel-accounts.repo.js';
import { createSecretBox } from '../lib/secret-box.js';
import { createTestTenant } from '../../test/factories.js';
import { openTestDatabase } from '../../test/harness.js';

const execFileAsync = promisify(execFile);
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const drizzleKit = path.join(path.dirname(createRequire(import.meta.url).resolve('drizzle-kit')), 'bin.cjs');

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

describe('schema', () => {
  it('every domain table carries tenant_id', async () => {
    const tables = await queryRows<{ table_name: string; has_tenant: boolean }>(
      database.db,
      sql`SELECT t.table_name,
                 EXISTS (SELECT 1 FROM information_schema.columns c
                         WHERE c.table_schema = 'public' AND c.table_name = t.table_name AND c.column_name = 'tenant_id') AS has_tenant
          FROM information_schema.tables t WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'`,
    );
    const missing = tables
      .filter((t) => !t.has_tenant && t.table_name !== 'tenants')
      .map((t) => t.table_name);
    expect(missing).toEqual([]);
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'users',
        'groups',
        'sessions',
        'messages',
        'files',
        'contacts',
        'contact_identities',
        'api_keys',
        'blacklist_entries',
      ]),
    );
  });

  it('has an index for every list the product shows', async () => {
    const indexes = await queryRows<{ indexname: string }>(
      database.db,
      sql`SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`,
    );
    expect(indexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining([
        'messages_session_idx',
        'sessions_tenant_open_idx',
        'sessions_contact_idx',
        'sessions_open_key',
        'messages_channel_message_key',
        'files_session_idx',
      ]),
    );
  });

  it('analyses the realtime events from a small sample, by the columns statements read, not by payloads or rooms', async () => {
    const tenant = await createTestTenant(database);
    await database.db.execute(
      sql`INSERT INTO realtime_events (tenant_id, name, rooms, payload)
          SELECT ${tenant.id}, 'session.changed', ARRAY['group:' || (n % 7)], jsonb_build_object('n', n)
          FROM generate_series(1, 200) AS n`,
    );
    await database.db.execute(sql`ANALYZE realtime_events`);
    const columns = await queryRows<{ attname: string }>(
      database.db,
      sql`SELECT attname FROM pg_stats WHERE schemaname = 'public' AND tablename = 'realtime_events'`,
    );
    const analysed = columns.map((c) => c.attname);
    expect(analysed).toEqual(expect.arrayContaining(['tenant_id', 'seq', 'created_at', 'name']));
    expect(analysed).not.toContain('payload');
    expect(analysed).not.toContain('rooms');
    // A small sample (300 rows per point of the largest target): the relay waits while ANALYZE runs.
    const [row] = await queryRows<{ target: number }>(
      database.db,
      sql`SELECT max(attstattarget)::int AS target FROM pg_attribute
          WHERE attrelid = 'realtime_events'::regclass AND attnum > 0 AND NOT attisdropped`,
    );
    expect(row!.target).toBe(10);
  });

  it('applying migrations again changes nothing', async () => {
    await database.migrate();
    await database.migrate();
  });
});

describe('migrations', () => {
  it('hold every table, column and index of the schema: drizzle-kit finds nothing to migrate', async () => {
    // On a copy of the migrations, so that a schema change nobody generated a migration for fails here and
    // writes nothing into server/drizzle.
    const out = mkdtempSync(path.join(tmpdir(), 'switchboard-migrations-'));
    try {
      cpSync(path.join(serverDir, 'drizzle'), out, { recursive: true });
      const { stdout } = await execFileAsync(
        process.execPath,
        [
          drizzleKit,
          'generate',
          '--dialect=postgresql',
          '--schema=./src/db/schema.ts',
          // drizzle-kit reads the folder as a path relative to the working directory.
          `--out=${path.relative(serverDir, out)}`,
          '--prefix=timestamp',
        ],
        { cwd: serverDir },
      );
      // Every table is found through the schema's re-exports.
      expect(stdout.match(/^\S+ \d+ columns /gm)?.length).toBe(33);
      expect(stdout).toContain('No schema changes, nothing to migrate');
      expect(readdirSync(out).sort()).toEqual(readdirSync(path.join(serverDir, 'drizzle')).sort());
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('channel credentials', () => {
  it('are encrypted at rest and read back with the key', async () => {
    const tenant = await createTestTenant(database);
    const box = createSecretBox(Buffer.alloc(32, 3));
    const token = 'EAAG-secret-access-token-123';
    const { id } = await insertChannelAccount(database.db, box, {
      tenantId: tenant.id,
      channel: 'whatsapp',
      name: 'Support line',
      externalId: `pn-${tenant.id}`,
      credentials: { accessToken: token, appSecret: 'app-secret-xyz' },
    });
    const [raw] = await queryRows<Record<string, unknown>>(
      database.db,
      sql`SELECT * FROM ${channelAccounts} WHERE id = ${id}`,
    );
    expect(JSON.stringify(raw)).not.toContain(token);
    expect(JSON.stringify(raw)).not.toContain('app-secret-xyz');
    expect(openCredentials(box, { credentialsEncrypted: raw!.credentials_encrypted as string })).toEqual({
      accessToken: token,
      appSecret: 'app-secret-xyz',
    });
    // Another key cannot read them, and a tampered value is rejected rather than decrypted to garbage.
    expect(() =>
      openCredentials(createSecretBox(Buffer.alloc(32, 4)), {
        credentialsEncrypted: raw!.credentials_encrypted as string,
      }),
    ).toThrow();
    const sealed = raw!.credentials_encrypted as string;
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => openCredentials(box, { credentialsEncrypted: tampered })).toThrow();
  });
});
