import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hottest } from './cpu-profile.js';
import { modeFromArgs } from './modes.js';
import { profileTable, summarize, table } from './report.js';
import { disposePglite, measurePglite, preparePglite, type PreparedPglite } from './run-pglite.js';
import { runPostgres } from './run-postgres.js';
import { readStatementTimes, statementTimesTable } from './statement-times.js';

/**
 * `npm run bench [-- --quick | --smoke]`: the app against its floor on the local PostgreSQL, then on embedded
 * PGlite, all on loopback. Progress goes to stderr; the table and, as the very last line, one JSON object go to
 * stdout. For working on the embedded database: `--pglite-only` runs its phase alone (the last line then holds
 * `pglite_inbound_msgs_per_s` only), and `--statement-times` prints the time PGlite spent in each statement.
 */
const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The commit measured, and whether the server's files differ from it (figures then describe the working tree). */
function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: 'pipe' }).trim();
    const changed = git('status', '--porcelain', '--', '../server', '../sandbox')
      .split('\n')
      .filter(Boolean).length;
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? ` + ${changed} changed files in server/ and sandbox/` : ''}`;
  } catch {
    return 'unknown revision';
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mode = modeFromArgs(args);
  // `--cpu-prof`: each app writes a V8 CPU profile (open it in Chrome DevTools or speedscope), the PGlite app's in
  // a directory of its own.
  const runDir = path.resolve(benchDir, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
  const cpuProfileDir = args.includes('--cpu-prof') ? runDir : undefined;
  const statementTimesDir = args.includes('--statement-times') ? path.join(runDir, 'statements') : undefined;
  const databaseUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/bench';
  const started = Date.now();
  const log = (line: string) =>
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  log(
    `mode ${mode.name}; ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`,
  );

  const loadBefore = loadavg()[0]!;

  // The full run prepares PGlite after PostgreSQL, so nothing else runs beside any phase. The shorter modes
  // prepare both at once to fit their time; PGlite's app then idles while PostgreSQL is measured.
  const pgliteProfileDir = cpuProfileDir && path.join(cpuProfileDir, 'pglite');
  const tools = {
    ...(pgliteProfileDir ? { cpuProfileDir: pgliteProfileDir } : {}),
    ...(statementTimesDir ? { statementTimesDir } : {}),
  };
  const early = mode.name === 'full' ? undefined : preparePglite(mode, log, tools);
  let prepared: PreparedPglite | undefined;
  try {
    if (args.includes('--pglite-only')) {
      prepared = await (early ?? preparePglite(mode, log, tools));
      const pglite = await measurePglite(prepared, mode, log);
      prepared = undefined;
      const times = statementTimesDir
        ? `${statementTimesTable(readStatementTimes(statementTimesDir), pglite.delivered)}\n`
        : '';
      const profile = pgliteProfileDir ? `${profileTable('PGlite', hottest(pgliteProfileDir))}\n` : '';
      process.stdout.write(
        `PGlite alone (${mode.name}): ${pglite.delivered} messages delivered, ${pglite.msgsPerS.toFixed(1)} msg/s` +
          (pglite.outcomes.failed ? `; failed: ${pglite.outcomes.describeFailures()}` : '') +
          // CPU per message moves less than the rate with what else the machine runs.
          (pglite.profile
            ? `; app ${pglite.profile.appCores.toFixed(2)} cores, ` +
              `${((pglite.profile.appCores * pglite.elapsedMs) / Math.max(pglite.delivered, 1)).toFixed(3)} ms CPU per message`
            : '') +
          `\n${times}${profile}${JSON.stringify({ pglite_inbound_msgs_per_s: Number(pglite.msgsPerS.toFixed(1)) })}\n`,
      );
      return;
    }
    const pg = await runPostgres(databaseUrl, mode, log, early ?? Promise.resolve(), cpuProfileDir);
    prepared = await (early ?? preparePglite(mode, log, tools));
    const pglite = await measurePglite(prepared, mode, log);
    prepared = undefined;
    const summary = summarize(pg, pglite);
    const elapsedS = (Date.now() - started) / 1000;
    log(`done in ${elapsedS.toFixed(1)} s`);
    const machine = {
      cores: cpus().length,
      loadBefore,
      loadAfter: loadavg()[0]!,
      elapsedS,
      revision: revision(),
    };
    const profile =
      (cpuProfileDir && pgliteProfileDir
        ? `\n${profileTable('PostgreSQL', hottest(cpuProfileDir))}\n${profileTable('PGlite', hottest(pgliteProfileDir))}`
        : '') +
      (statementTimesDir
        ? `\n${statementTimesTable(readStatementTimes(statementTimesDir), pglite.delivered)}`
        : '');
    process.stdout.write(
      `${table(mode, machine, pg, pglite, summary)}${profile}\n${JSON.stringify(summary)}\n`,
    );
  } finally {
    if (!prepared && early) prepared = await early.catch(() => undefined);
    if (prepared && prepared.app.child.exitCode === null) await disposePglite(prepared);
  }
}

main().then(
  // Sockets and pools of the phases are closed, but a stray timer must not keep a finished run alive.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
