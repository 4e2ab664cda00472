import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startSandbox, type RunningSandbox } from '@switchboard/sandbox/sandbox';
import { openDatabase } from '../../server/src/db/database.js';
import { runFloor, type FloorResult } from './floor.js';
import { insertWaitingSessions, joinScaleOperators } from './insert-sessions.js';
import { InboundDriver, type InboundPhase } from './inbound.js';
import { openPool } from './load.js';
import type { Mode } from './modes.js';
import { closeAll, connectOperators, makeAvailable } from './operator-sockets.js';
import { runOutbound, type OutboundResult } from './outbound.js';
import { freePort, resetPostgres, rssMiB, startApp, startFloor, type AppProcess } from './processes.js';
import { startProfile } from './profile.js';
import { runScale, type ScaleResult } from './scale.js';
import { INBOUND_NUMBER, META_APP, OUTBOUND_NUMBER, seedBench } from './seed-bench.js';
import { analyzeWithoutAutovacuum, standInForAutovacuum } from './statistics.js';
import { CustomerPool } from './webhook.js';

export interface PostgresResults {
  floor: FloorResult;
  warmup: InboundPhase;
  inbound: InboundPhase;
  steady: InboundPhase;
  returning: InboundPhase;
  outbound: OutboundResult;
  scale: ScaleResult;
  rssAfterInboundMiB: number;
}

/** The sandbox standing in for Meta: no rate limits of its own, no status webhooks (they would load the app). */
async function startBenchSandbox(appPort: number): Promise<RunningSandbox> {
  const unlimited = 1_000_000;
  return startSandbox({
    app: {
      appId: '1500000000000001',
      appSecret: META_APP.appSecret,
      verifyToken: META_APP.verifyToken,
      whatsappCallbackUrls: [`http://127.0.0.1:${appPort}/webhooks/whatsapp`],
      messengerCallbackUrls: [],
    },
    whatsapp: {
      numbers: [
        { ...OUTBOUND_NUMBER, throughputMps: unlimited },
        { ...INBOUND_NUMBER, throughputMps: unlimited },
      ],
    },
    switches: { statusProgression: 'none' },
    pairRate: { burst: unlimited, intervalMs: 1 },
    port: 0,
    host: '127.0.0.1',
  });
}

/**
 * Every PostgreSQL phase on one fresh schema: the floor first (the app started but idle), then the app with its
 * operators connected: warm-up, saturated inbound, inbound at a fixed rate, outbound, scale.
 */
export async function runPostgres(
  databaseUrl: string,
  mode: Mode,
  log: (line: string) => void,
  /** Set-up running beside this one (quick modes), awaited before anything is measured. */
  otherSetup: Promise<unknown> = Promise.resolve(),
  cpuProfileDir?: string,
): Promise<PostgresResults> {
  const runId = `pg-${Date.now().toString(36)}`;
  log(`PostgreSQL: resetting ${new URL(databaseUrl).pathname.slice(1)} and seeding`);
  await resetPostgres(databaseUrl);
  const database = await openDatabase({ databaseUrl, dataDir: 'memory://', poolSize: 4 });
  await database.migrate();
  const seed = await seedBench(database, {
    inboundOperators: mode.inboundOperators,
    scaleOperators: mode.scaleOperators,
    outboundOperators: mode.outboundOperators,
    outboundCapacity: Math.ceil(mode.outboundSessions / mode.outboundOperators) + 2,
  });
  await database.close();

  const port = await freePort();
  const sandbox = await startBenchSandbox(port);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-bench-'));
  let app: AppProcess | undefined;
  let upkeep: Awaited<ReturnType<typeof standInForAutovacuum>> | undefined;
  const counter = new pg.Client({ connectionString: databaseUrl });
  await counter.connect();
  try {
    log('starting the app');
    const floorProcess = startFloor({ databaseUrl, appSecret: META_APP.appSecret });
    floorProcess.catch(() => {});
    app = await startApp({ port, databaseUrl, dataDir, graphApiBaseUrl: sandbox.url, cpuProfileDir });
    await otherSetup;

    // The floor runs while the app is started but idle (no sessions, no timers yet).
    log('floor: bare Fastify, signature check and one INSERT per request');
    const floor = await runFloor({
      floor: await floorProcess,
      runId,
      customers: new CustomerPool('3160', 0.3),
      concurrency: mode.concurrency,
      durationMs: mode.floorMs,
      client: counter,
    });

    if (await analyzeWithoutAutovacuum(counter))
      log(
        'PostgreSQL runs with autovacuum off: the bench vacuums and analyses by its thresholds, every second',
      );
    upkeep = await standInForAutovacuum(databaseUrl, 1000);
    const pool = openPool(app.url, mode.concurrency);
    const driver = new InboundDriver(pool, new CustomerPool('1555', 0.3), runId);
    const sockets = await connectOperators(app.url, seed.inbound.operators, driver.onOperatorEvent);
    await makeAvailable(sockets);

    log('inbound: warm-up, then as fast as the app answers');
    const warmup = await driver.saturate('warm-up', mode.concurrency, mode.warmupMs, mode.graceMs);
    await analyzeWithoutAutovacuum(counter);
    const stopProfile = await startProfile(app.child.pid!, counter);
    const inbound = await driver.saturate('saturated', mode.concurrency, mode.inboundMs, mode.graceMs);
    inbound.profile = await stopProfile();
    const rssAfterInboundMiB = rssMiB(app.child.pid!);
    const rate = mode.steadyRateGiven
      ? mode.steadyRate
      : Math.max(5, Math.min(mode.steadyRate, Math.floor(inbound.msgsPerS * 0.8)));
    log(`inbound at a fixed ${rate} msg/s`);
    const stopSteadyProfile = await startProfile(app.child.pid!, counter);
    const steady = await driver.steady(`fixed ${rate}/s`, rate, mode.steadyMs, mode.graceMs);
    steady.profile = await stopSteadyProfile();

    log('inbound from returning customers only');
    await analyzeWithoutAutovacuum(counter);
    const stopReturningProfile = await startProfile(app.child.pid!, counter);
    const returning = await driver.saturate(
      'returning customers only',
      mode.concurrency,
      mode.returningMs,
      mode.graceMs,
      {
        mix: 'returning',
      },
    );
    returning.profile = await stopReturningProfile();

    log('outbound: operators reply, the outbox calls the sandbox');
    const appPid = app.child.pid!;
    await analyzeWithoutAutovacuum(counter);
    const outbound = await runOutbound({
      url: app.url,
      sandbox,
      tenant: seed.outbound,
      sessions: mode.outboundSessions,
      perOperator: mode.outboundPerOperator,
      durationMs: mode.outboundMs,
      graceMs: mode.graceMs,
      openTimeoutMs: mode.outboundOpenMs,
      startProfile: () => startProfile(appPid, counter),
    });

    log(`scale: ${mode.scaleSessions} open sessions, ${mode.scaleOperators} operators connected`);
    const scale = await runScale({
      url: app.url,
      pid: app.child.pid!,
      driver,
      countOpenSessions: async () => {
        const { rows } = await counter.query<{ open: string }>(
          `SELECT count(*) AS open FROM sessions WHERE tenant_id = $1 AND state <> 'ended'`,
          [seed.inbound.id],
        );
        return Number(rows[0]!.open);
      },
      insertWaitingSessions: (count) => insertWaitingSessions(databaseUrl, seed.inbound, count, runId),
      joinGroup: async () => {
        await joinScaleOperators(databaseUrl, seed.inbound, seed.inbound.scaleOperators);
        await analyzeWithoutAutovacuum(counter);
      },
      sessions: mode.scaleSessions,
      operators: seed.inbound.scaleOperators,
      topUpLimitMs: mode.scaleTopUpLimitMs,
      concurrency: mode.concurrency,
      burstRate: mode.scaleBurstRate,
      burstMs: mode.scaleBurstMs,
    });
    closeAll(sockets);
    await pool.close();
    return { floor, warmup, inbound, steady, returning, outbound, scale, rssAfterInboundMiB };
  } finally {
    const upkept = await upkeep?.stop();
    if (upkept?.analyses || upkept?.vacuums)
      log(`autovacuum's stand-in: ${upkept.vacuums} vacuums, ${upkept.analyses} analyses`);
    await counter.end();
    await app?.stop();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
