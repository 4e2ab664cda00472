import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/database.js';
import { engineFixture, type EngineFixture } from '../engine-setup.js';
import { call } from '../factories.js';
import { driver, startTestApp, type TestApp } from '../harness.js';
import {
  batches,
  inPool,
  pick,
  postWebhook,
  scaled,
  seededRandom,
  signature,
  SOAK,
} from './reliability-kit.js';

/*
 * Messenger's deliveries, at least once and batched (many `entry[]` per POST, one event each): signed, over real
 * HTTP, 30 % of them again, concurrently: one stored message per mid, one open session per customer.
 */

const APP_SECRET = 'messenger-dup-secret';
const DELIVERIES = scaled(driver === 'pglite' ? 100 : 600, 10_000);

let t: TestApp;
let f: EngineFixture;
let accountId: string;
const pageId = `2${Date.now()}`.slice(0, 14);

beforeAll(async () => {
  // Profiles are asked of a Graph that is not there (a job that fails); the webhook path is under test.
  t = await startTestApp({ config: { GRAPH_API_BASE_URL: 'http://127.0.0.1:9' } });
  f = await engineFixture(t);
  const connected = await call(t.url, 'POST', '/api/v1/channel-accounts/messenger', {
    headers: f.sessions.admin!.headers,
    body: { name: 'Page', pageId, pageAccessToken: 'x', appSecret: APP_SECRET, verifyToken: 'v' },
  });
  expect(connected.status).toBe(201);
  accountId = connected.body.id;
});
afterAll(async () => {
  f?.close();
  await t?.close();
});

describe('duplicate Messenger deliveries', () => {
  it(
    `stores each mid once over ${DELIVERIES} deliveries, 30 % of them repeated`,
    async () => {
      const random = seededRandom('messenger duplicates');
      const customers = Array.from({ length: scaled(15, 100) }, (_, i) => `8${random.seed}${i}`.slice(0, 16));
      const events = Array.from({ length: Math.round(DELIVERIES * 1.4) }, (_, n) => ({
        sender: { id: pick(random, customers) },
        recipient: { id: pageId },
        timestamp: 1_750_000_000_000 + n,
        message: { mid: `m_dup-${random.seed}-${n}`, text: `message ${n}` },
      }));
      const fresh = batches(random, events, 3).map((batch) =>
        JSON.stringify({
          object: 'page',
          entry: batch.map((event) => ({ id: pageId, time: event.timestamp, messaging: [event] })),
        }),
      );
      const bodies: string[] = [];
      for (const body of fresh) {
        bodies.push(body);
        if (random.next() < 0.43) bodies.push(pick(random, bodies));
      }
      const started = Date.now();
      const codes = await inPool(bodies, 8, async (body) => {
        const r = await postWebhook(`${t.url}/webhooks/messenger`, body, {
          'x-hub-signature-256': signature(APP_SECRET, body),
        });
        return r.status;
      });
      console.info(`${bodies.length} deliveries, ${events.length} events in ${Date.now() - started} ms`);
      expect(codes.filter((c) => c !== 200)).toEqual([]);
      const counts = await queryRows<{ mid: string; n: number }>(
        t.database.db,
        sql`SELECT channel_message_id AS mid, count(*)::int AS n FROM messages
            WHERE channel_account_id = ${accountId} AND direction = 'in' GROUP BY channel_message_id`,
      );
      expect(counts.filter((c) => Number(c.n) !== 1)).toEqual([]);
      expect(new Set(counts.map((c) => c.mid))).toEqual(new Set(events.map((e) => e.message.mid)));
      const open = await queryRows<{ contact_id: string; n: number }>(
        t.database.db,
        sql`SELECT contact_id, count(*)::int AS n FROM sessions
            WHERE channel_account_id = ${accountId} AND state <> 'ended' GROUP BY contact_id`,
      );
      expect(open.filter((o) => Number(o.n) !== 1)).toEqual([]);
      expect(open).toHaveLength(new Set(events.map((e) => e.sender.id)).size);
    },
    SOAK ? 1_800_000 : 240_000,
  );
});
