import { readFileSync } from 'node:fs';
import type pg from 'pg';

/** What held the app back during a phase: CPU of the app and of its database backends, and what backends waited on. */
export interface PhaseProfile {
  /** Cores the app process used on average (1.0 = one core busy all the time). */
  appCores: number;
  /** Cores the database's backends used on average (PostgreSQL only). */
  databaseCores: number;
  /** Backends running a statement, on average over the samples. */
  activeBackends: number;
  /** Average number of backends waiting, by wait event ("Lock:transactionid", "IO:WalSync"…), most first. */
  waits: Array<[string, number]>;
  samples: number;
  /** pg_stat_database counters over the phase and the second after it (PostgreSQL only). */
  counters?: DatabaseCounters;
}

export interface DatabaseCounters {
  commits: number;
  inserted: number;
  updated: number;
  deleted: number;
  /** Rows read by sequential and index scans. */
  returned: number;
  /** Where rows were read: table (sequential scans) or index, by rows read. */
  readBy: Map<string, number>;
  /** Calls and execution time by statement (its first words), when the server has pg_stat_statements loaded. */
  statements?: Map<string, StatementUse>;
}

export interface StatementUse {
  calls: number;
  /** Time spent executing it, in milliseconds (pg_stat_statements' total_exec_time). */
  ms: number;
}

/**
 * Statements' calls and execution time, from pg_stat_statements when the server preloads it
 * (`shared_preload_libraries`); the extension is made in a schema of its own, which the bench's reset leaves alone.
 * Undefined otherwise: the bench does not need it.
 */
async function readStatements(client: pg.Client): Promise<Map<string, StatementUse> | undefined> {
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS bench_statements;
      CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA bench_statements`);
    const { rows } = await client.query<{ query: string; calls: string; ms: number }>(
      `SELECT query, calls, total_exec_time AS ms FROM bench_statements.pg_stat_statements s
       JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()`,
    );
    const statements = new Map<string, StatementUse>();
    for (const row of rows) {
      const key = row.query.replace(/\s+/g, ' ').slice(0, 90);
      const use = statements.get(key) ?? { calls: 0, ms: 0 };
      use.calls += Number(row.calls);
      use.ms += Number(row.ms);
      statements.set(key, use);
    }
    return statements;
  } catch {
    return undefined;
  }
}

async function readCounters(client: pg.Client): Promise<DatabaseCounters> {
  const { rows } = await client.query<Record<keyof DatabaseCounters, string>>(
    `SELECT xact_commit AS commits, tup_inserted AS inserted, tup_updated AS updated, tup_deleted AS deleted,
            tup_returned AS returned
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  const row = rows[0]!;
  const scans = await client.query<{ name: string; read: string }>(
    `SELECT relname || ' (sequential)' AS name, seq_tup_read AS read FROM pg_stat_user_tables
     UNION ALL SELECT indexrelname, idx_tup_read FROM pg_stat_user_indexes`,
  );
  const statements = await readStatements(client);
  return {
    readBy: new Map(scans.rows.map((r) => [r.name, Number(r.read)])),
    ...(statements ? { statements } : {}),
    commits: Number(row.commits),
    inserted: Number(row.inserted),
    updated: Number(row.updated),
    deleted: Number(row.deleted),
    returned: Number(row.returned),
  };
}

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far (0 when it has gone). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * Samples a phase: the app's CPU from /proc, and — on PostgreSQL — the backends of the bench database from
 * pg_stat_activity every 100 ms (their CPU, whether they run, what they wait for). Call the returned function at
 * the end of the phase.
 */
export async function startProfile(appPid: number, client?: pg.Client): Promise<() => Promise<PhaseProfile>> {
  const started = performance.now();
  const appStart = cpuSeconds(appPid);
  const backendStart = new Map<number, number>();
  const waits = new Map<string, number>();
  let active = 0;
  let samples = 0;
  let running = true;

  const sample = async () => {
    if (!client) return;
    const { rows } = await client.query<{ pid: number; state: string | null; wait: string | null }>(
      `SELECT pid, state, CASE WHEN wait_event IS NULL THEN NULL ELSE wait_event_type || ':' || wait_event END AS wait
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
         AND backend_type = 'client backend'`,
    );
    samples++;
    for (const row of rows) {
      if (!backendStart.has(row.pid)) backendStart.set(row.pid, cpuSeconds(row.pid));
      if (row.state !== 'active') continue;
      active++;
      if (row.wait && !row.wait.startsWith('Client:')) waits.set(row.wait, (waits.get(row.wait) ?? 0) + 1);
    }
  };
  const countersStart = client ? await readCounters(client) : undefined;
  await sample();
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (running) await sample().catch(() => {});
    }
  })();

  return async () => {
    running = false;
    await loop;
    const seconds = (performance.now() - started) / 1000;
    const appCores = (cpuSeconds(appPid) - appStart) / seconds;
    let databaseSeconds = 0;
    for (const [pid, start] of backendStart) databaseSeconds += Math.max(0, cpuSeconds(pid) - start);
    let counters: DatabaseCounters | undefined;
    if (client && countersStart) {
      // Backends publish their counters at most once a second.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const end = await readCounters(client);
      counters = {
        commits: end.commits - countersStart.commits,
        inserted: end.inserted - countersStart.inserted,
        updated: end.updated - countersStart.updated,
        deleted: end.deleted - countersStart.deleted,
        returned: end.returned - countersStart.returned,
        readBy: new Map(
          [...end.readBy]
            .map(([name, read]): [string, number] => [name, read - (countersStart.readBy.get(name) ?? 0)])
            .filter(([, read]) => read > 0),
        ),
        ...(end.statements && countersStart.statements
          ? {
              statements: new Map(
                [...end.statements]
                  .map(([query, { calls, ms }]): [string, StatementUse] => {
                    const before = countersStart.statements!.get(query);
                    return [query, { calls: calls - (before?.calls ?? 0), ms: ms - (before?.ms ?? 0) }];
                  })
                  .filter(([, use]) => use.calls > 0),
              ),
            }
          : {}),
      };
    }
    return {
      appCores,
      databaseCores: databaseSeconds / seconds,
      activeBackends: samples ? active / samples : 0,
      waits: [...waits]
        .map(([name, count]): [string, number] => [name, count / Math.max(1, samples)])
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4),
      samples,
      counters,
    };
  };
}
