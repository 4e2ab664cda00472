import type pg from 'pg';

/**
 * Table statistics as a deployed server keeps them. The planner picks indexes by them, and a fresh bench database
 * starts empty: planned on "no rows", the session view scans every open participation for one session's. A
 * server's autovacuum analyses tables as they grow; where it is off (this machine's PostgreSQL runs with
 * `autovacuum = off`, a CI setting), the bench analyses the database itself between phases, outside what it
 * measures. Returns whether it did.
 */
export async function analyzeWithoutAutovacuum(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
  if (rows[0]?.autovacuum === 'on') return false;
  await client.query('ANALYZE');
  return true;
}
