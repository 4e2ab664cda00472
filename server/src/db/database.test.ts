import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oncePerTransaction, type Database, type Executor } from './database.js';
import { openTestDatabase } from '../../test/harness.js';

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
