import pg from 'pg';

/**
 * Table statistics as a deployed server keeps them. The planner picks indexes by them, and a fresh bench database
 * starts empty: planned on "no rows", the session view scans every open participation for one session's. A
 * server's autovacuum analyses tables as they grow; where it is off (this machine's PostgreSQL runs with
 * `autovacuum = off`, a CI setting), the bench analyses the database itself between phases, outside what it
 * measures. Returns whether it did.
 */
export async function analyzeWithoutAutovacuum(client: pg.Client): Promise<boolean> {
  if (await autovacuumIsOn(client)) return false;
  await client.query('ANALYZE');
  return true;
}

async function autovacuumIsOn(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ autovacuum: string }>('SHOW autovacuum');
  return rows[0]?.autovacuum === 'on';
}

/**
 * Tables that autovacuum, at its default thresholds, would vacuum (dead rows over 50 + 20 % of the table) or
 * analyse (rows changed since the last analyse over 50 + 10 %).
 */
const DUE = `
  SELECT format('%I.%I', s.schemaname, s.relname) AS name,
    s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0) AS vacuum
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0)
     OR s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)`;

/**
 * While the phases run, does what autovacuum does where it is off: every `intervalMs` (autovacuum's naptime, 1 s
 * here against its default of 60 s, because the bench's tables grow from empty to thousands of rows within one
 * phase, which a deployed database's do not), tables due by autovacuum's thresholds are vacuumed or analysed. A
 * plan made while a table was small (a sequential scan for a foreign key's check, say) is made again when the
 * table's statistics change, as on a server with autovacuum on. Its work runs on the database's cores, inside
 * what the phases measure. Does nothing when the server runs autovacuum itself.
 */
export async function standInForAutovacuum(
  databaseUrl: string,
  intervalMs: number,
): Promise<{ stop(): Promise<{ vacuums: number; analyses: number }> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const counts = { vacuums: 0, analyses: 0 };
  if (await autovacuumIsOn(client)) {
    await client.end();
    return { stop: async () => counts };
  }
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await client.query<{ name: string; vacuum: boolean }>(DUE);
      for (const table of rows) {
        if (stopped) break;
        await client.query(`${table.vacuum ? 'VACUUM (ANALYZE)' : 'ANALYZE'} ${table.name}`);
        counts[table.vacuum ? 'vacuums' : 'analyses'] += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await client.end();
      return counts;
    },
  };
}
