import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { call, logIn } from './factories.js';
import { driver, testDatabaseUrl } from './harness.js';
import { spawnApp, waitReady, type AppProcess } from './processes.js';
import { sleep } from './socket-client.js';

const started: AppProcess[] = [];
const databases: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  for (const name of databases) {
    const admin = new pg.Client({ connectionString: testDatabaseUrl()! });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
});

const DEMO_PASSWORD = 'switchboard-demo';

/**
 * An offer's timeout is a durable timer: when the process is killed (SIGKILL, no shutdown) while the offer
 * waits, the next process fires it on time: the offer expires and the operator becomes `rona`.
 */
/** A database of its own: the demo tenant it creates must start from nothing. */
async function freshDatabase(): Promise<string> {
  const url = new URL(testDatabaseUrl()!);
  const name = `switchboard_crash_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  databases.push(name);
  url.pathname = `/${name}`;
  return url.toString();
}

describe('a pending timer after a crash', () => {
  it('fires in the next process', async () => {
    const env: Record<string, string> = {
      DEMO: 'true',
      SECRET_KEY: Buffer.alloc(32, 3).toString('base64'),
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      ...(driver === 'postgres'
        ? { DATABASE_URL: await freshDatabase() }
        : { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'switchboard-crash-')) }),
    };
    const first = await spawnApp(env);
    started.push(first);
    await waitReady(first);
    const admin = await logIn(first.url, { email: 'admin@demo.switchboard.test' }, DEMO_PASSWORD);
    const anna = await logIn(first.url, { email: 'anna@demo.switchboard.test' }, DEMO_PASSWORD);
    const groups = await call(first.url, 'GET', '/api/v1/groups', { headers: admin.headers });
    const support = groups.body.items.find((g: { name: string }) => g.name === 'Support');
    await call(first.url, 'PATCH', `/api/v1/groups/${support.id}`, {
      headers: admin.headers,
      body: { offerTimeoutSeconds: 5 },
    });
    // Only Anna is available, so the offer is hers.
    const ben = await logIn(first.url, { email: 'ben@demo.switchboard.test' }, DEMO_PASSWORD);
    await call(first.url, 'PUT', '/api/v1/operators/me/presence', {
      headers: ben.headers,
      body: { status: 'offline' },
    });
    await call(first.url, 'PUT', '/api/v1/operators/me/presence', {
      headers: anna.headers,
      body: { status: 'available' },
    });
    const chat = await call(first.url, 'POST', '/api/v1/webchat/demo-webchat/chat', {
      body: { question: 'Is anyone there?' },
    });
    expect(chat.status).toBe(200);
    // The chat is answered once stored; its offer follows.
    await expect
      .poll(
        async () =>
          (await call(first.url, 'GET', '/api/v1/offers', { headers: anna.headers })).body.items.length,
        { timeout: 10_000 },
      )
      .toBe(1);

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await spawnApp(env);
    started.push(second);
    await waitReady(second);

    let presence = '';
    for (let i = 0; i < 100 && presence !== 'rona'; i++) {
      await sleep(200);
      const me = await call(second.url, 'GET', '/api/v1/operators', { headers: anna.headers });
      presence = me.body.items.find(
        (o: { email: string }) => o.email === 'anna@demo.switchboard.test',
      ).presence;
    }
    expect(presence).toBe('rona');
    expect((await call(second.url, 'GET', '/api/v1/offers', { headers: anna.headers })).body.items).toEqual(
      [],
    );
    const waiting = await call(second.url, 'GET', '/api/v1/sessions?state=waiting', {
      headers: admin.headers,
    });
    expect(waiting.body.items.map((s: { firstMessage: string }) => s.firstMessage)).toContain(
      'Is anyone there?',
    );
  }, 90_000);
});
