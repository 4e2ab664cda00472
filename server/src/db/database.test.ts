import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oncePerTransaction, openDatabase, type Database, type Executor } from './database.js';
import { driver, openTestDatabase } from '../../test/harness.js';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

/** The query layer's statement, a thenable that runs again on every `then`, typed as what it answers. */
const probe = (tx: Executor) =>
  tx.execute(sql`SELECT nextval('once_per_transaction_probe') AS n`) as unknown as PromiseLike<{
    rows: Array<{ n: string }>;
  }>;

describe('oncePerTransaction', () => {
  it('runs a query builder once per transaction, however often it is asked', async () => {
    // Each run of the statement takes the next value of a sequence: the answers tell how often it ran.
    await database.query('CREATE SEQUENCE IF NOT EXISTS once_per_transaction_probe');
    const next = await database.db.transaction(async (tx) => {
      const read = () => probe(tx);
      const first = await oncePerTransaction(tx, 'probe', read);
      const second = await oncePerTransaction(tx, 'probe', read);
      return [first, second].map((result) => Number(result.rows[0]!.n));
    });
    expect(next[0]).toBe(next[1]);
    // Asked again in a new transaction, it runs again.
    const again = await database.db.transaction(async (tx) =>
      oncePerTransaction(tx, 'probe', () => probe(tx)),
    );
    expect(Number(again.rows[0]!.n)).toBe(next[0]! + 1);
  });
});

describe.runIf(driver === 'pglite')('an embedded database archived and opened again', () => {
  it('holds what the archive held, and the copies change apart', async () => {
    await database.query('CREATE TABLE archive_probe (n int)');
    await database.query('INSERT INTO archive_probe VALUES (1), (2)');
    const archive = await database.dumpDataDir!();
    const copy = await openDatabase({ dataDir: 'memory://', loadDataDir: archive });
    try {
      const count = async (of: Database) =>
        (await of.query<{ n: number }>('SELECT count(*)::int AS n FROM archive_probe')).rows[0]!.n;
      expect(await count(copy)).toBe(2);
      await copy.query('INSERT INTO archive_probe VALUES (3)');
      expect([await count(copy), await count(database)]).toEqual([3, 2]);
      // The archive was of a migrated database: the copy has the schema, and nothing left to migrate.
      await copy.migrate();
      expect((await copy.query('SELECT count(*)::int AS n FROM tenants')).rows).toEqual([{ n: 0 }]);
    } finally {
      await copy.close();
    }
  });
});
