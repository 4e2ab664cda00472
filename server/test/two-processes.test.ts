import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, createTestTenant, logIn } from './factories.js';
import { driver, openTestDatabase, testDatabaseUrl } from './harness.js';
import { freePort, spawnApp, waitReady, type AppProcess } from './processes.js';
import { parseMetrics, valueOf } from '../src/metrics/prometheus-text.js';
import { connectSocket } from './socket-client.js';

const started: AppProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

const secret = Buffer.alloc(32, 9).toString('base64');

describe.runIf(driver === 'postgres')('two app processes on one PostgreSQL', () => {
  it('behave as one: an event committed in either reaches sockets on the other', async () => {
    const common = { DATABASE_URL: testDatabaseUrl()!, SECRET_KEY: secret, DEMO: 'false' };
    const a = await spawnApp({ ...common, ROLES: 'api,worker' });
    const b = await spawnApp({ ...common, ROLES: 'api' });
    started.push(a, b);
    await Promise.all([waitReady(a), waitReady(b)]);

    const database = await openTestDatabase();
    const tenant = await createTestTenant(database);
    await database.close();
    const olga = await logIn(a.url, tenant.operators[0]!);
    const supervisor = await logIn(b.url, tenant.supervisor);

    const onB = await connectSocket(b.url, { cookie: supervisor.cookie });
    const onA = await connectSocket(a.url, { cookie: olga.cookie });

    const viaA = await call(a.url, 'PUT', '/api/v1/operators/me/presence', {
      headers: olga.headers,
      body: { status: 'available' },
    });
    expect(viaA.status).toBe(200);
    const seenOnB = await onB.waitFor((e) => e.name === 'presence.changed');
    expect(seenOnB.payload).toMatchObject({ userId: tenant.operators[0]!.id, status: 'available' });

    const viaB = await call(b.url, 'PUT', `/api/v1/operators/${tenant.operators[0]!.id}/presence`, {
      headers: supervisor.headers,
      body: { status: 'away', awayReason: 'Meeting' },
    });
    expect(viaB.status).toBe(200);
    const seenOnA = await onA.waitFor(
      (e) => e.name === 'presence.changed' && (e.payload as { status: string }).status === 'away',
    );
    // One sequence for the tenant across both processes.
    expect(seenOnA.seq).toBe(seenOnB.seq + 1);
    onA.close();
    onB.close();
  }, 60_000);
});

describe.runIf(driver === 'postgres')('a worker-only process', () => {
  it('serves /metrics on a listener of its own (METRICS_PORT), with the queues every process reads alike', async () => {
    const common = { DATABASE_URL: testDatabaseUrl()!, SECRET_KEY: secret, DEMO: 'false' };
    const metricsPort = await freePort();
    const worker = await spawnApp({ ...common, ROLES: 'worker', METRICS_PORT: String(metricsPort) });
    started.push(worker);
    const database = await openTestDatabase();
    const tenant = await createTestTenant(database);
    const { rows } = await database.query<{ slug: string }>('SELECT slug FROM tenants WHERE id = $1', [
      tenant.id,
    ]);
    const slug = rows[0]!.slug;
    await database.close();
    const scrape = async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
        return response.status === 200 ? parseMetrics(await response.text()) : [];
      } catch {
        return [];
      }
    };
    // Started (tsx compiles as it starts): the tenant's four users, none signed in.
    await expect
      .poll(
        async () => valueOf(await scrape(), 'switchboard_operators', { tenant: slug, presence: 'offline' }),
        { timeout: 90_000, interval: 500 },
      )
      .toBe(4);
    const samples = await scrape();
    // Both groups, each by state.
    expect(
      samples.filter((sample) => sample.name === 'switchboard_sessions' && sample.labels.tenant === slug),
    ).toHaveLength(6);
    expect(samples.some((sample) => sample.name === 'process_resident_memory_bytes')).toBe(true);
    // It has no API listener: only the metrics one.
    await expect(fetch(`${worker.url}/healthz`)).rejects.toThrow();
  }, 120_000);
});

describe.runIf(driver === 'pglite')('embedded PGlite', () => {
  it('serves one process: a second one on the same data directory refuses to start and says why', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-lock-'));
    const first = await spawnApp({ DATA_DIR: dataDir, DEMO: 'true' });
    started.push(first);
    await waitReady(first);
    const second = await spawnApp({ DATA_DIR: dataDir, DEMO: 'true' });
    started.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/in use by process \d+/);
    // The first keeps working.
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    expect(first.output()).toContain('admin@demo.switchboard.test');
    // After the first stops, the data directory can be opened again, and the demo is not created twice.
    await first.stop();
    const third = await spawnApp({ DATA_DIR: dataDir, DEMO: 'true' });
    started.push(third);
    await waitReady(third);
    expect(third.output()).not.toContain('created just now');
    const admin = await logIn(third.url, { email: 'admin@demo.switchboard.test' }, 'switchboard-demo');
    const operators = await call(third.url, 'GET', '/api/v1/operators', { headers: admin.headers });
    expect(operators.body.items).toHaveLength(5);
  }, 90_000);
});

describe('configuration', () => {
  it('a bad configuration exits listing every problem', async () => {
    const app = await spawnApp({ PORT: 'eighty', HOST: 'bad host!', ROLES: 'api,cron', LOG_LEVEL: 'loud' });
    expect(await app.exited).toBe(1);
    const output = app.output();
    expect(output).toContain('PORT must be a whole number');
    expect(output).toContain('HOST must be a host name');
    expect(output).toContain('ROLES must list api and/or worker');
    expect(output).toContain('LOG_LEVEL must be one of');
  });
});
