import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const KEYS = [
  'inbound_msgs_per_s',
  'floor_req_per_s',
  'inbound_ratio',
  'webhook_p50_ms',
  'webhook_p99_ms',
  'webhook_to_operator_p99_ms',
  'outbound_msgs_per_s',
  'outbound_p99_ms',
  'rss_mib_10k_sessions_1k_operators',
  'pglite_inbound_msgs_per_s',
];

/**
 * The bench resets its database's schema, so it gets a database of its own beside the test database (dropping
 * the server suite's tables under it would fail that suite).
 */
function benchDatabaseUrl(): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${url.pathname.slice(1)}_bench`;
  return url.toString();
}

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: benchDir,
      env: { PATH: process.env.PATH ?? '', BENCH_DATABASE_URL: benchDatabaseUrl() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench -- --smoke', () => {
  it('runs every phase on PostgreSQL and PGlite and ends with the JSON summary line', async () => {
    const { code, stdout, stderr } = await runBench(['--smoke']);
    expect(code, stderr).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    const summary = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(Object.keys(summary).sort()).toEqual([...KEYS].sort());
    for (const key of KEYS) expect(Number.isFinite(summary[key]), `${key} = ${summary[key]}`).toBe(true);
    expect(summary.inbound_msgs_per_s).toBeGreaterThan(0);
    expect(summary.pglite_inbound_msgs_per_s).toBeGreaterThan(0);
    expect(summary.outbound_msgs_per_s).toBeGreaterThan(0);
    // The readable table comes first, and says the scale phase was scaled down.
    expect(stdout).toContain('Scale (scaled down)');
    expect(stdout).toContain('PostgreSQL floor');
  }, 180_000);

  it('runs PGlite alone with --pglite-only, and --statement-times says which statements took its time', async () => {
    const { code, stdout, stderr } = await runBench(['--smoke', '--pglite-only', '--statement-times']);
    expect(code, stderr).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    const summary = JSON.parse(lines.at(-1)!) as Record<string, number>;
    expect(Object.keys(summary)).toEqual(['pglite_inbound_msgs_per_s']);
    expect(summary.pglite_inbound_msgs_per_s).toBeGreaterThan(0);
    expect(stdout).not.toContain('failed:');
    // Rows of "ms calls ms/call ms/msg kB-in kB-out statement", most time first: the batched writes of the inbound path are
    // there, and start-up's queue creation is not (the count started afresh, and the app kept running, when the
    // measured phase began).
    const rows = lines
      .map((line) => /^\s+(\d+)\s+(\d+)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(.+)$/.exec(line))
      .filter((row) => row !== null);
    expect(rows.length, stdout).toBeGreaterThanOrEqual(5);
    const writes = rows.filter((row) => row[3]!.startsWith('WITH given AS'));
    expect(writes.length, stdout).toBeGreaterThan(0);
    for (const row of writes) expect(Number(row[2])).toBeGreaterThan(0);
    expect(stdout).not.toContain('create_queue');
  }, 120_000);
});
