import { describe, expect, it } from 'vitest';
import type { StatementUse } from '../src/profile.js';
import { statementRows } from '../src/report.js';

describe('the statements a PostgreSQL phase prints', () => {
  it('lists the twelve that took the most time, then the six of the rest called most often, per message', () => {
    const statements = new Map<string, StatementUse>();
    // Twenty slow statements called rarely, then BEGIN and COMMIT: quick, but called for every transaction.
    for (let i = 0; i < 20; i += 1) statements.set(`SELECT slow_${i}`, { calls: 10 + i, ms: 1_000 - i });
    statements.set('begin', { calls: 400, ms: 1 });
    statements.set('commit', { calls: 400, ms: 2 });
    const rows = statementRows(statements, 200);
    expect(rows[0]).toEqual(['  statements per message', '6', expect.stringContaining('most time first')]);
    expect(rows.slice(1, 13).map((row) => row[2])).toEqual(
      Array.from({ length: 12 }, (_, i) => `SELECT slow_${i}`),
    );
    expect(rows[13]![2]).toBe('of the rest, the most called:');
    expect(rows.slice(14).map((row) => row[2])).toEqual([
      'commit',
      'begin',
      'SELECT slow_19',
      'SELECT slow_18',
      'SELECT slow_17',
      'SELECT slow_16',
    ]);
    expect(rows[14]![1]).toBe('2 calls, 0.01 ms');
  });

  it('prints nothing without pg_stat_statements, and no second list when twelve cover them all', () => {
    expect(statementRows(undefined, 100)).toEqual([]);
    const few = new Map<string, StatementUse>([['begin', { calls: 5, ms: 1 }]]);
    expect(statementRows(few, 5).map((row) => row[2])).toEqual([expect.any(String), 'begin']);
  });
});
