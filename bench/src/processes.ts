import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { freePort, spawnApp, waitReady, type AppProcess } from '../../server/test/processes.js';
import { BENCH_SECRET_KEY } from './seed-bench.js';

export { freePort, waitReady, type AppProcess };

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Starts the app (`server/src/main.ts`) as its own process, as `npm start` does: production mode, API and worker
 * roles in one node, warnings only, the Graph API pointed at the bench's sandbox.
 */
export async function startApp(env: {
  port: number;
  databaseUrl?: string;
  dataDir: string;
  graphApiBaseUrl: string;
  /** Write a V8 CPU profile of the whole run into this directory when the app exits. */
  cpuProfileDir?: string;
  /** Write PGlite's time per statement into this directory when the app exits (`statement-times-preload.mjs`). */
  statementTimesDir?: string;
}): Promise<AppProcess> {
  const preloads = [
    ...(env.cpuProfileDir ? ['cpu-prof-preload.mjs'] : []),
    ...(env.statementTimesDir ? ['statement-times-preload.mjs'] : []),
  ].map((file) => `--import ${pathToFileURL(path.join(benchDir, 'src', file)).href}`);
  const app = await spawnApp({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(env.port),
    DEMO: 'false',
    SECRET_KEY: BENCH_SECRET_KEY,
    DATA_DIR: env.dataDir,
    GRAPH_API_BASE_URL: env.graphApiBaseUrl,
    ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
    ...(preloads.length ? { NODE_OPTIONS: preloads.join(' ') } : {}),
    ...(env.cpuProfileDir ? { BENCH_CPU_PROFILE_DIR: env.cpuProfileDir } : {}),
    ...(env.statementTimesDir ? { BENCH_STATEMENT_TIMES_DIR: env.statementTimesDir } : {}),
  });
  killOnExit(app);
  await waitReady(app, 60_000);
  return app;
}

/** Starts the floor server (`bench/src/floor-server.ts`) as its own process on the same database. */
export async function startFloor(env: { databaseUrl: string; appSecret: string }): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/floor-server.ts'], {
    cwd: benchDir,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      FLOOR_DATABASE_URL: env.databaseUrl,
      FLOOR_APP_SECRET: env.appSecret,
      FLOOR_POOL_SIZE: '10',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const floor: AppProcess = {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  killOnExit(floor);
  await waitReady(floor, 30_000);
  return floor;
}

/** A bench that fails half-way must not leave an app process running. */
function killOnExit(child: AppProcess): void {
  const kill = () => {
    if (child.child.exitCode === null) child.child.kill('SIGKILL');
  };
  process.once('exit', kill);
  void child.exited.then(() => process.removeListener('exit', kill));
}

/** The resident set size of a process, in MiB (VmRSS of /proc/<pid>/status). */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/**
 * Creates the bench database when missing and empties it, so every run starts from a fresh schema (the app
 * migrates it at start).
 */
export async function resetPostgres(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[\w-]+$/.test(name)) throw new Error(`unexpected database name "${name}"`);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const adminClient = new pg.Client({ connectionString: admin.toString() });
  await adminClient.connect();
  try {
    const { rowCount } = await adminClient.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await adminClient.query(`CREATE DATABASE "${name}"`);
  } finally {
    await adminClient.end();
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS public, pgboss, drizzle CASCADE; CREATE SCHEMA public`);
  } finally {
    await client.end();
  }
}
