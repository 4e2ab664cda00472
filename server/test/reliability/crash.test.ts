import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '@switchboard/sandbox/sandbox';
import { groups, messages, operatorPresence, sessionOffers } from '../../src/db/schema.js';
import type { Database } from '../../src/db/database.js';
import { call, createTestTenant, logIn, type Session, type TestTenant } from '../factories.js';
import { driver, openTestDatabase, testDatabaseUrl } from '../harness.js';
import { freePort, spawnApp, waitReady, type AppProcess } from '../processes.js';
import { sleep } from '../socket-client.js';
import {
  postWebhook,
  scaled,
  seededRandom,
  signature,
  SOAK,
  waMessagesBody,
  type Random,
} from './reliability-kit.js';

/*
 * `kill -9` of the app at a random moment, under inbound webhooks and with replies waiting in the outbox, then a
 * restart on the same port: every webhook answered 200 is stored, every reply reaches Meta (the sandbox) exactly
 * once, and a timer pending at the crash (an offer's timeout) fires in the new process.
 */

const APP_SECRET = 'crash-app-secret';
const CRASHES = scaled(1, 6);
const started: AppProcess[] = [];
let sandbox: RunningSandbox | undefined;
let database: Database | undefined;
const closers: Array<() => void> = [];
afterAll(async () => {
  closers.forEach((close) => close());
  await Promise.all(started.map((p) => p.stop()));
  await sandbox?.close();
  await database?.close();
});

interface World {
  tenant: TestTenant;
  env: Record<string, string>;
  number: { phoneNumberId: string; displayPhoneNumber: string; wabaId: string; accessToken: string };
  accountId: string;
  customer: string;
  sessionId: string;
}

async function signedIn(app: AppProcess, tenant: TestTenant) {
  return { admin: await logIn(app.url, tenant.admin), olga: await logIn(app.url, tenant.operators[0]!) };
}

async function available(app: AppProcess, olga: Session) {
  const r = await call(app.url, 'PUT', '/api/v1/operators/me/presence', {
    headers: olga.headers,
    body: { status: 'available' },
  });
  expect(r.status).toBe(200);
}

/** A customer writes (a signed webhook, as Meta sends it); answers the status of the delivery. */
async function customerWrites(
  app: AppProcess,
  w: Pick<World, 'number'>,
  from: string,
  wamid: string,
  text: string,
) {
  const body = JSON.stringify(
    waMessagesBody(w.number, [
      { from, name: `Customer ${from}`, wamid, text, timestamp: Math.floor(Date.now() / 1000) },
    ]),
  );
  try {
    return (
      await postWebhook(`${app.url}/webhooks/whatsapp`, body, {
        'x-hub-signature-256': signature(APP_SECRET, body),
      })
    ).status;
  } catch {
    return 0;
  }
}

async function pendingOfferOf(app: AppProcess, olga: Session, firstMessage: string) {
  for (let i = 0; i < 100; i++) {
    const offers = await call(app.url, 'GET', '/api/v1/offers', { headers: olga.headers });
    const offer = offers.body.items?.find(
      (o: { session: { firstMessage: string } }) => o.session.firstMessage === firstMessage,
    );
    if (offer) return offer as { id: string; sessionId: string };
    await sleep(100);
  }
  throw new Error(`no offer for "${firstMessage}"`);
}

/**
 * Meta as seen through a slow network: the sandbox takes each send at once (its call log has it), but the answer
 * reaches the app ~½ s later, so a kill often falls between Meta accepting a reply and the outbox recording it.
 */
async function slowGraph(target: string): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method!,
        headers: Object.fromEntries(
          ['authorization', 'content-type'].flatMap((h) =>
            req.headers[h] ? [[h, String(req.headers[h])]] : [],
          ),
        ),
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (req.method === 'POST' && req.url!.includes('/messages')) await sleep(300 + Math.random() * 400);
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      });
      res.end(body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

async function setUp(): Promise<{ w: World; app: AppProcess }> {
  const id = `${Date.now()}`.slice(-8);
  const number = {
    phoneNumberId: `6${id}1`,
    displayPhoneNumber: `1555${id}`,
    wabaId: `6${id}2`,
    accessToken: 'crash-token',
  };
  const customer = `42060${id}`;
  const port = await freePort();
  sandbox = await startSandbox({
    port: 0,
    control: true,
    // Meta's statuses of sends accepted just before the kill reach the app once it is back.
    retryDelaysMs: [1_000, 2_000, 4_000, 8_000, 16_000],
    app: {
      appSecret: APP_SECRET,
      verifyToken: 'v',
      whatsappCallbackUrls: [`http://127.0.0.1:${port}/webhooks/whatsapp`],
    },
    whatsapp: { numbers: [number], customers: [{ waId: customer, name: 'Crash customer' }] },
    switches: { statusProgression: 'sent' },
  });
  const graph = await slowGraph(sandbox.url);
  closers.push(graph.close);
  const env = {
    DATABASE_URL: testDatabaseUrl()!,
    SECRET_KEY: Buffer.alloc(32, 11).toString('base64'),
    DEMO: 'false',
    PORT: String(port),
    GRAPH_API_BASE_URL: graph.url,
    GRAPH_API_VERSION: 'v23.0',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
  };
  const app = await spawnApp(env);
  started.push(app);
  await waitReady(app);
  database = await openTestDatabase();
  const tenant = await createTestTenant(database);
  await database.db.update(groups).set({ offerTimeoutSeconds: 5 }).where(eq(groups.tenantId, tenant.id));
  const { admin, olga } = await signedIn(app, tenant);
  const connected = await call(app.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
    headers: admin.headers,
    body: { name: 'Crash line', ...number, appSecret: APP_SECRET, verifyToken: 'v' },
  });
  expect(connected.status).toBe(201);
  await available(app, olga);
  expect(await customerWrites(app, { number }, customer, `wamid.crash-${id}-first`, 'Help me')).toBe(200);
  const offer = await pendingOfferOf(app, olga, 'Help me');
  const accepted = await call(app.url, 'POST', `/api/v1/offers/${offer.id}/accept`, {
    headers: olga.headers,
  });
  expect(accepted.status).toBe(200);
  return {
    w: { tenant, env, number, accountId: connected.body.id, customer, sessionId: offer.sessionId },
    app,
  };
}

/** One crash: load, replies and a pending timer, a kill at a random moment, a restart; then every check. */
async function crashOnce(w: World, app: AppProcess, round: number, random: Random): Promise<AppProcess> {
  const db = database!.db;
  const { olga } = await signedIn(app, w.tenant);
  await available(app, olga);
  const acknowledged: string[] = [];
  const replies: string[] = [];
  let running = true;
  const inbound = Array.from({ length: 3 }, async (_, lane) => {
    for (let n = 0; running; n++) {
      const wamid = `wamid.crash-${w.accountId}-${round}-${lane}-${n}`;
      if ((await customerWrites(app, w, w.customer, wamid, `load ${round}.${lane}.${n}`)) === 200)
        acknowledged.push(wamid);
    }
  });
  // Replies stay under Meta's per-customer burst (45).
  const outbound = (async () => {
    for (let n = 0; running && n < 40; n++) {
      const sent = await call(app.url, 'POST', `/api/v1/sessions/${w.sessionId}/messages`, {
        headers: olga.headers,
        body: { text: `reply ${round}.${n}` },
      }).catch(() => ({ status: 0, body: null }));
      if (sent.status === 201) replies.push(sent.body.id);
    }
  })();
  // A second customer is offered to Olga; the offer's 5-second timeout is pending at the crash.
  const second = `42061${w.accountId.replace(/\D/g, '').slice(0, 5)}${round}`;
  expect(
    await customerWrites(app, w, second, `wamid.crash-${w.accountId}-${round}-timer`, `Timer ${round}`),
  ).toBe(200);
  const timed = await pendingOfferOf(app, olga, `Timer ${round}`);
  await sleep(1000 + random.next() * 2000);
  app.child.kill('SIGKILL');
  await app.exited;
  running = false;
  await Promise.all([...inbound, outbound]);
  const crashedAt = Date.now();

  const next = await spawnApp(w.env);
  started.push(next);
  await waitReady(next);
  console.info(
    `round ${round}: ${acknowledged.length} webhooks acknowledged, ${replies.length} replies queued`,
  );

  // Everything acknowledged is stored, once.
  const stored = await db
    .select({ wamid: messages.channelMessageId })
    .from(messages)
    .where(and(eq(messages.channelAccountId, w.accountId), inArray(messages.channelMessageId, acknowledged)));
  expect(new Set(stored.map((m) => m.wamid)).size).toBe(acknowledged.length);
  expect(stored).toHaveLength(acknowledged.length);

  // The offer's timeout fired in the new process: the offer expired and Olga is marked as not responding.
  await expect
    .poll(
      async () => (await db.select().from(sessionOffers).where(eq(sessionOffers.id, timed.id)))[0]?.state,
      {
        timeout: 30_000,
      },
    )
    .toBe('expired');
  const [presence] = await db
    .select()
    .from(operatorPresence)
    .where(eq(operatorPresence.userId, w.tenant.operators[0]!.id));
  expect(presence!.status).toBe('rona');
  // The admin ends that session, so it is not offered to Olga again in the next round and does not take up her
  // capacity (3) beside the next round's timer.
  const { admin } = await signedIn(next, w.tenant);
  const ended = await call(next.url, 'POST', `/api/v1/sessions/${timed.sessionId}/end`, {
    headers: admin.headers,
    body: {},
  });
  expect(ended.status).toBe(200);

  // Every reply reaches Meta exactly once: none lost, none sent twice by a retried outbox row. The usual case, a
  // call Meta took, resolves within seconds by Meta's status (matched by our message id). A reply whose row was
  // claimed by the killed process but whose call never left waits for the claim's lease to run out (3 minutes) and
  // the next poll. The soak run waits for that; CI waits a minute and then requires every reply still sending to
  // be held by its outbox row.
  const stillSending = async () =>
    (await db.select().from(messages).where(inArray(messages.id, replies)))
      .filter((m) => m.status === 'sending')
      .map((m) => m.id);
  const deadline = Date.now() + (SOAK ? 480_000 : 60_000);
  while ((await stillSending()).length > 0 && Date.now() < deadline) await sleep(1000);
  const waiting = await stillSending();
  console.info(
    `round ${round}: ${replies.length - waiting.length} replies sent ${Date.now() - crashedAt} ms after the crash, ${waiting.length} waiting for their claim to run out`,
  );
  if (SOAK) expect(waiting).toEqual([]);
  const { rows: live } = await database!.query<{ id: string }>(
    `SELECT message_id AS id FROM outbox WHERE message_id = ANY($1::uuid[])`,
    [waiting],
  );
  expect(new Set(live.map((row) => row.id))).toEqual(new Set(waiting));
  // A call Meta refused (its per-customer pair rate, once a round's burst has used it up) sent nothing; the
  // outbox tries it again after the hold. Only calls Meta took count.
  const calls = sandbox!.calls({ method: 'POST', pathContains: `${w.number.phoneNumberId}/messages` });
  const statusesOf = (id: string) =>
    calls
      .filter((c) => (c.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data === id)
      .map((c) => c.status);
  const accepted = (id: string) => statusesOf(id).filter((status) => status === 200).length;
  const sentOnce = replies.filter((id) => !waiting.includes(id));
  // On a failure, each reply's call statuses say whether Meta took it twice or never.
  const withStatuses = (ids: string[]) => ids.map((id) => ({ id, statuses: statusesOf(id) }));
  expect(withStatuses(sentOnce.filter((id) => accepted(id) !== 1))).toEqual([]);
  expect(withStatuses(waiting.filter((id) => accepted(id) > 1))).toEqual([]);
  return next;
}

describe.runIf(driver === 'postgres')('a crash under load', () => {
  it(
    `loses nothing acknowledged and sends each reply once, over ${CRASHES} kill -9`,
    async () => {
      const random = seededRandom('crash');
      const { w, app: first } = await setUp();
      let app = first;
      for (let round = 0; round < CRASHES; round++) app = await crashOnce(w, app, round, random);
    },
    SOAK ? 3_600_000 : 240_000,
  );
});
