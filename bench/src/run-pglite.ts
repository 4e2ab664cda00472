import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/src/db/database.js';
import { InboundDriver, type InboundPhase } from './inbound.js';
import { openPool } from './load.js';
import type { Mode } from './modes.js';
import { closeAll, connectOperators, makeAvailable } from './operator-sockets.js';
import { freePort, startApp, type AppProcess } from './processes.js';
import { startProfile } from './profile.js';
import { seedBench, type BenchOperator } from './seed-bench.js';
import { CustomerPool } from './webhook.js';

export interface PreparedPglite {
  app: AppProcess;
  operators: BenchOperator[];
  dataDir: string;
  /** Where the app writes PGlite's time per statement, counted over the saturated phase. */
  statementTimesDir?: string;
}

/** What the PGlite app records of itself for the bench's `--cpu-prof` and `--statement-times`. */
export interface PgliteTools {
  cpuProfileDir?: string;
  statementTimesDir?: string;
}

/**
 * A fresh temporary data directory, seeded by the bench and closed again (PGlite serves one process: the app
 * takes the directory's lock when it starts), and the app started on it.
 */
export async function preparePglite(
  mode: Mode,
  log: (line: string) => void,
  tools: PgliteTools = {},
): Promise<PreparedPglite> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-bench-pglite-'));
  try {
    log('PGlite: seeding a fresh data directory');
    const database = await openDatabase({ dataDir });
    await database.migrate();
    const seed = await seedBench(database, {
      inboundOperators: mode.pgliteOperators,
      scaleOperators: 0,
      outboundOperators: 0,
      outboundCapacity: 1,
    });
    await database.close();
    log('PGlite: starting the app');
    // Nothing is sent out in this phase; the Graph API URL only has to be valid.
    const app = await startApp({
      port: await freePort(),
      dataDir,
      graphApiBaseUrl: 'http://127.0.0.1:9',
      ...tools,
    });
    return { app, operators: seed.inbound.operators, dataDir, ...tools };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The inbound phase on embedded PGlite: operators connected, warm-up, then as fast as the app answers. */
export async function measurePglite(
  prepared: PreparedPglite,
  mode: Mode,
  log: (line: string) => void,
): Promise<InboundPhase> {
  const { app } = prepared;
  try {
    const pool = openPool(app.url, mode.concurrency);
    const driver = new InboundDriver(
      pool,
      new CustomerPool('1666', 0.3),
      `pglite-${Date.now().toString(36)}`,
    );
    const sockets = await connectOperators(app.url, prepared.operators, driver.onOperatorEvent);
    await makeAvailable(sockets);
    log('PGlite: inbound as fast as the app answers');
    await driver.saturate('warm-up', mode.concurrency, mode.warmupMs, mode.graceMs);
    const stopProfile = await startProfile(app.child.pid!);
    // The statement times start afresh here: what start-up and warm-up ran is not counted.
    if (prepared.statementTimesDir) process.kill(app.child.pid!, 'SIGWINCH');
    const inbound = await driver.saturate('saturated', mode.concurrency, mode.pgliteMs, mode.graceMs);
    inbound.profile = await stopProfile();
    closeAll(sockets);
    await pool.close();
    return inbound;
  } finally {
    await disposePglite(prepared);
  }
}

export async function disposePglite(prepared: PreparedPglite): Promise<void> {
  await prepared.app.stop();
  rmSync(prepared.dataDir, { recursive: true, force: true });
}
