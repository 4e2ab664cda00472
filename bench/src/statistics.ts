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
 * Tables that autovacuum would vacuum (dead rows over threshold + scale factor × the table's rows, or rows inserted
 * since the last vacuum over the insert threshold + its scale factor × rows) or analyse (rows changed since the last
 * analyse over threshold + scale factor × rows): the server's settings, or the table's own where it sets them, as
 * the app's migrations do for `realtime_events`.
 */
const DUE = `
  SELECT format('%I.%I', s.schemaname, s.relname) AS name,
    s.n_dead_tup > o.vt + o.vs * t.n OR s.n_ins_since_vacuum > o.it + o.iss * t.n AS vacuum,
    s.n_mod_since_analyze > o.at + o.ats * t.n AS analyze
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  CROSS JOIN LATERAL (SELECT greatest(c.reltuples, 0) AS n) t
  CROSS JOIN LATERAL (
    SELECT
      coalesce(max(v) FILTER (WHERE k = 'autovacuum_vacuum_threshold'),
               current_setting('autovacuum_vacuum_threshold'))::float8 AS vt,
      coalesce(max(v) FILTER (WHERE k = 'autovacuum_vacuum_scale_factor'),
               current_setting('autovacuum_vacuum_scale_factor'))::float8 AS vs,
      coalesce(max(v) FILTER (WHERE k = 'autovacuum_vacuum_insert_threshold'),
               current_setting('autovacuum_vacuum_insert_threshold'))::float8 AS it,
      coalesce(max(v) FILTER (WHERE k = 'autovacuum_vacuum_insert_scale_factor'),
               current_setting('autovacuum_vacuum_insert_scale_factor'))::float8 AS iss,
      coalesce(max(v) FILTER (WHERE k = 'autovacuum_analyze_threshold'),
               current_setting('autovacuum_analyze_threshold'))::float8 AS at,
      coalesce(max(v) FILTER (WHERE k = 'autovacuum_analyze_scale_factor'),
               current_setting('autovacuum_analyze_scale_factor'))::float8 AS ats
    FROM (SELECT split_part(x, '=', 1) AS k, split_part(x, '=', 2) AS v
          FROM unnest(coalesce(c.reloptions, '{}')) AS x) AS option
  ) o
  WHERE s.n_dead_tup > o.vt + o.vs * t.n
     OR s.n_ins_since_vacuum > o.it + o.iss * t.n
     OR s.n_mod_since_analyze > o.at + o.ats * t.n`;

const COMMAND = { both: 'VACUUM (ANALYZE)', vacuum: 'VACUUM', analyze: 'ANALYZE' } as const;

/**
 * While the phases run, does what autovacuum does where it is off: every `intervalMs` (autovacuum's naptime, 1 s
 * here against its default of 60 s, because the bench's tables grow from empty to thousands of rows within one
 * phase, which a deployed database's do not), tables due by autovacuum's thresholds (`DUE`) are vacuumed or
 * analysed. A plan made while a table was small (a sequential scan for a foreign key's check, say) is made again
 * when the table's statistics change, as on a server with autovacuum on. Its work runs on the database's cores,
 * inside what the phases measure. Does nothing when the server runs autovacuum itself.
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
      const { rows } = await client.query<{ name: string; vacuum: boolean; analyze: boolean }>(DUE);
      for (const table of rows) {
        if (stopped) break;
        const work = table.vacuum ? (table.analyze ? 'both' : 'vacuum') : 'analyze';
        await client.query(`${COMMAND[work]} ${table.name}`);
        if (table.vacuum) counts.vacuums += 1;
        if (table.analyze) counts.analyses += 1;
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
