import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driver } from '../../test/harness.js';
import { usePreparedStatements } from './pglite-prepared.js';

// PGlite's own behaviour, the same whichever database the rest of the suite runs on: once is enough.
describe.skipIf(driver !== 'pglite')('prepared statements on PGlite', () => {
  let plain: PGlite;
  let prepared: PGlite;
  beforeAll(async () => {
    [plain, prepared] = await Promise.all([PGlite.create(), PGlite.create()]);
    usePreparedStatements(prepared);
    for (const client of [plain, prepared])
      await client.exec(`CREATE TABLE notes (id uuid PRIMARY KEY, body text, data jsonb, at timestamptz,
        n int UNIQUE)`);
  });
  afterAll(() => Promise.all([plain.close(), prepared.close()]));

  const insert = `INSERT INTO notes (id, body, data, at, n) VALUES ($1, $2, $3, $4, $5) RETURNING *`;
  const read = `SELECT id, body, data, at, n, n * 2 AS twice FROM notes WHERE n >= $1 ORDER BY n`;

  it('answers a repeated statement as PGlite’s own query does, and prepares it once', async () => {
    const rows = [
      [
        '0b5f0c9e-0000-4000-8000-000000000001',
        'café ☕',
        { a: [1, 'x'] },
        new Date('2026-12-05T10:00:00Z'),
        1,
      ],
      ['0b5f0c9e-0000-4000-8000-000000000002', null, null, null, 2],
      ['0b5f0c9e-0000-4000-8000-000000000003', "it's", ['list'], '2026-12-05 11:00:00+00', 3],
    ];
    for (const row of rows) {
      const [own, ours] = await Promise.all([plain.query(insert, row), prepared.query(insert, row)]);
      expect(ours).toEqual(own);
    }
    for (const rowMode of ['object', 'array'] as const)
      for (const from of [1, 2, 3]) {
        const own = await plain.query(read, [from], { rowMode });
        expect(await prepared.query(read, [from], { rowMode })).toEqual(own);
        expect(await prepared.transaction((tx) => tx.query(read, [from], { rowMode }))).toEqual(own);
      }
    const statements = await prepared.query<{ statement: string }>(
      `SELECT statement FROM pg_prepared_statements ORDER BY statement`,
    );
    expect(statements.rows.map((row) => row.statement)).toEqual([insert, read]);
  });

  it('fails a statement with the database’s error and code, and goes on', async () => {
    const duplicate = ['0b5f0c9e-0000-4000-8000-000000000009', 'again', null, null, 1];
    for (let attempt = 0; attempt < 3; attempt++)
      await expect(prepared.query(insert, duplicate)).rejects.toMatchObject({ code: '23505' });
    // In a transaction the failure rolls it back; what it wrote before is gone.
    await expect(
      prepared.transaction(async (tx) => {
        await tx.query(insert, ['0b5f0c9e-0000-4000-8000-000000000010', 'kept?', null, null, 10]);
        await tx.query(insert, duplicate);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const after = await prepared.query<{ n: number }>(read, [4]);
    expect(after.rows).toEqual([]);
  });

  it('prepares a statement again when its table’s columns changed', async () => {
    const all = `SELECT * FROM notes WHERE n = $1`;
    await prepared.query(all, [1]);
    expect((await prepared.query(all, [1])).fields.map((field) => field.name)).not.toContain('extra');
    await prepared.exec(`ALTER TABLE notes ADD COLUMN extra text DEFAULT 'x'`);
    // As with node-postgres' named statements on PostgreSQL: the first run after the change fails, the next works.
    await expect(prepared.query(all, [1])).rejects.toMatchObject({ code: '0A000' });
    const again = await prepared.query<{ extra: string }>(all, [1]);
    expect(again.rows[0]!.extra).toBe('x');
  });
});
