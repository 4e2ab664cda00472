import { describe, expect, it, vi } from 'vitest';
import { driver } from '../../test/harness.js';
import { openDatabase } from './database.js';

// PGlite's upkeep, the same whichever database the rest of the suite runs on: once is enough.
describe.skipIf(driver !== 'pglite')('the embedded database’s upkeep', () => {
  it('analyses a table that grew and vacuums one with dead rows, as autovacuum would', async () => {
    const database = await openDatabase({ dataDir: 'memory://', maintenanceIntervalMs: 100 });
    try {
      await database.query(`CREATE TABLE notes (id int PRIMARY KEY, body text)`);
      for (let n = 0; n < 400; n += 100)
        await database.query(
          `INSERT INTO notes SELECT g, 'note' FROM generate_series($1::int, $1::int + 99) AS g`,
          [n],
        );
      const stats = async () =>
        (
          await database.query<{ rows: number; analysed: boolean; vacuumed: boolean; dead: number }>(
            `SELECT c.reltuples AS rows, s.last_analyze IS NOT NULL AS analysed,
               s.last_vacuum IS NOT NULL AS vacuumed, s.n_dead_tup AS dead
             FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = 'notes'`,
          )
        ).rows[0]!;
      // The planner learns the table's size from the analyse.
      await vi.waitFor(async () => expect(await stats()).toMatchObject({ rows: 400, analysed: true }), {
        timeout: 10_000,
        interval: 100,
      });
      expect((await stats()).vacuumed).toBe(false);
      // Every row updated: 400 dead rows, over 50 + 20 % of the table.
      await database.query(`UPDATE notes SET body = $1`, ['changed']);
      await vi.waitFor(async () => expect(await stats()).toMatchObject({ vacuumed: true, dead: 0 }), {
        timeout: 10_000,
        interval: 100,
      });
    } finally {
      await database.close();
    }
  });
});
