import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/db/database.js';
import { groupMembers, groups, messages, users } from '../../src/db/schema.js';
import { call, createTestTenant, logIn, type Session } from '../factories.js';
import { driver, openTestDatabase, testDatabaseUrl } from '../harness.js';
import { spawnApp, waitReady, type AppProcess } from '../processes.js';
import { connectSocket, sleep, type TestSocket } from '../socket-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../webhook-receiver.js';
import {
  batches,
  inPool,
  pick,
  postWebhook,
  scaled,
  seededRandom,
  shuffle,
  signature,
  SOAK,
  waMessagesBody,
  type WaInbound,
} from './reliability-kit.js';

/*
 * Two app processes on one PostgreSQL behind a "load balancer" that spreads Meta's webhooks over both (and
 * sends some twice, to the other one): operators connected to either see each message of their sessions once,
 * every session is offered to one operator at a time and accepted once, and nobody's capacity is exceeded.
 * (routing-race.test.ts covers the accept race itself with web chat customers.)
 */

const APP_SECRET = 'two-nodes-secret';
const OPERATORS = 4;
const CAPACITY = 3;
const MESSAGES_EACH = scaled(8, 80);
const started: AppProcess[] = [];
let database: Database | undefined;
let receiver: WebhookReceiver | undefined;
afterAll(async () => {
  await receiver?.close();
  await Promise.all(started.map((p) => p.stop()));
  await database?.close();
});

describe.runIf(driver === 'postgres')('two nodes on one PostgreSQL', () => {
  it(
    'deliver every message once to the operator of its session, whichever node took the webhook',
    async () => {
      const random = seededRandom('two nodes');
      const env = {
        DATABASE_URL: testDatabaseUrl()!,
        SECRET_KEY: Buffer.alloc(32, 13).toString('base64'),
        DEMO: 'false',
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
        // Replies ("joined") go to a Graph that is not there; the inbound path is under test.
        GRAPH_API_BASE_URL: 'http://127.0.0.1:9',
        // An integrator's endpoint on loopback follows the tenant's messages from both nodes.
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      };
      const nodes = [await spawnApp(env), await spawnApp(env)];
      started.push(...nodes);
      await Promise.all(nodes.map((n) => waitReady(n)));
      database = await openTestDatabase();
      const db = database.db;
      const tenant = await createTestTenant(database);
      await db
        .update(groups)
        .set({ routingMode: 'utilisation', offerTimeoutSeconds: 10 })
        .where(eq(groups.id, tenant.groupA));
      await db.delete(groupMembers).where(eq(groupMembers.tenantId, tenant.id));
      const [{ h: hash }] = (await db
        .select({ h: users.passwordHash })
        .from(users)
        .where(eq(users.id, tenant.admin.id))) as [{ h: string }];
      const operators: Array<{ id: string; email: string }> = [];
      for (let i = 0; i < OPERATORS; i++) {
        const [user] = await db
          .insert(users)
          .values({
            tenantId: tenant.id,
            email: `node-op-${i}-${randomUUID().slice(0, 6)}@example.test`,
            name: `Node operator ${i}`,
            role: 'operator',
            capacity: CAPACITY,
            passwordHash: hash,
          })
          .returning();
        await db
          .insert(groupMembers)
          .values({ tenantId: tenant.id, groupId: tenant.groupA, userId: user!.id });
        operators.push({ id: user!.id, email: user!.email });
      }
      const id = `${Date.now()}`.slice(-8);
      const number = { phoneNumberId: `5${id}1`, displayPhoneNumber: `1555${id}`, wabaId: `5${id}2` };
      const admin = await logIn(nodes[0]!.url, tenant.admin);
      const connected = await call(nodes[0]!.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
        headers: admin.headers,
        body: { name: 'Two nodes', ...number, accessToken: 'x', appSecret: APP_SECRET, verifyToken: 'v' },
      });
      expect(connected.status).toBe(201);
      receiver = await startWebhookReceiver();
      const endpoint = await call(nodes[1]!.url, 'POST', '/api/v1/webhooks', {
        headers: (await logIn(nodes[1]!.url, tenant.admin)).headers,
        body: { url: receiver.url, events: ['message.received'] },
      });
      expect(endpoint.status).toBe(201);

      // Each operator's socket is on one node; they accept offers through the other.
      const sockets: TestSocket[] = [];
      const signedIn: Array<[Session, Session]> = [];
      const accepts: Promise<unknown>[] = [];
      for (const [i, op] of operators.entries()) {
        const both = [await logIn(nodes[0]!.url, op), await logIn(nodes[1]!.url, op)] as [Session, Session];
        signedIn.push(both);
        const socket = await connectSocket(nodes[i % 2]!.url, { cookie: both[i % 2]!.cookie });
        socket.socket.on('event', (event) => {
          if (event.name !== 'offer.created') return;
          const offer = event.payload as { id: string };
          accepts.push(
            call(nodes[(i + 1) % 2]!.url, 'POST', `/api/v1/offers/${offer.id}/accept`, {
              headers: both[(i + 1) % 2]!.headers,
            }),
          );
        });
        sockets.push(socket);
        const presence = await call(nodes[(i + 1) % 2]!.url, 'PUT', '/api/v1/operators/me/presence', {
          headers: both[(i + 1) % 2]!.headers,
          body: { status: 'available' },
        });
        expect(presence.status).toBe(200);
      }

      const deliver = async (items: WaInbound[]) => {
        const body = JSON.stringify(waMessagesBody(number, items));
        const headers = { 'x-hub-signature-256': signature(APP_SECRET, body) };
        const node = pick(random, nodes);
        const first = await postWebhook(`${node.url}/webhooks/whatsapp`, body, headers);
        // Meta delivers again now and then; the balancer sends the repeat to the other node.
        if (random.next() < 0.2) {
          const other = nodes.find((n) => n !== node)!;
          expect((await postWebhook(`${other.url}/webhooks/whatsapp`, body, headers)).status).toBe(200);
        }
        return first.status;
      };
      const customers = Array.from({ length: OPERATORS * CAPACITY }, (_, i) => ({
        from: `4207${id}${String(i).padStart(2, '0')}`,
        name: `Customer ${i}`,
      }));
      let n = 0;
      const message = (c: { from: string; name: string }): WaInbound => ({
        ...c,
        wamid: `wamid.nodes-${id}-${n}`,
        text: `message ${n++}`,
        timestamp: Math.floor(Date.now() / 1000),
      });
      // Every customer writes first; every session is offered and accepted.
      const firsts = await inPool(customers, 4, (c) => deliver([message(c)]));
      expect(firsts.every((s) => s === 200)).toBe(true);
      await expect
        .poll(
          async () =>
            (
              await queryRows<{ n: number }>(
                db,
                sql`SELECT count(*)::int AS n FROM sessions WHERE tenant_id = ${tenant.id} AND state = 'active'`,
              )
            )[0]!.n,
          { timeout: 60_000 },
        )
        .toBe(customers.length);
      await Promise.all(accepts);

      // Then many more, in batches, over both nodes at once.
      const rest = shuffle(
        random,
        customers.flatMap((c) => Array.from({ length: MESSAGES_EACH }, () => c)),
      ).map(message);
      const answers = await inPool(batches(random, rest, 3), 6, deliver);
      expect(answers.filter((s) => s !== 200)).toEqual([]);
      await sleep(2000);

      const stored = await db
        .select({
          id: messages.id,
          wamid: messages.channelMessageId,
          sessionId: messages.sessionId,
          direction: messages.direction,
        })
        .from(messages)
        .where(eq(messages.channelAccountId, connected.body.id));
      const owners = await queryRows<{ session_id: string; user_id: string }>(
        db,
        sql`SELECT session_id, user_id FROM session_participants WHERE tenant_id = ${tenant.id} AND left_at IS NULL`,
      );
      const ownerOf = new Map(owners.map((o) => [o.session_id, o.user_id]));
      const wrong: string[] = [];
      for (const m of stored.filter((s) => rest.some((r) => r.wamid === s.wamid))) {
        operators.forEach((op, i) => {
          const seen = sockets[i]!.events.filter(
            (e) => e.name === 'message.created' && (e.payload as { id: string }).id === m.id,
          ).length;
          const expected = ownerOf.get(m.sessionId) === op.id ? 1 : 0;
          if (seen !== expected)
            wrong.push(`${m.wamid}: operator ${i} saw it ${seen} times, expected ${expected}`);
        });
      }
      expect(wrong).toEqual([]);
      expect(stored.filter((s) => rest.some((r) => r.wamid === s.wamid))).toHaveLength(rest.length);

      // Both nodes follow the tenant's events for webhooks: every customer message reaches the endpoint, once.
      const told = () => receiver!.received.map((r) => r.body.data.message.id as string);
      const inbound = stored.filter((s) => s.direction === 'in').map((s) => s.id);
      expect(inbound).toHaveLength(customers.length + rest.length);
      await expect.poll(() => new Set(told()).size, { timeout: 60_000 }).toBe(inbound.length);
      await sleep(2000);
      expect(told().sort()).toEqual(inbound.sort());

      // One accepted offer per session, one owner, nobody past capacity, never two open offers of one session.
      const acceptedTwice = await queryRows<{ n: number }>(
        db,
        sql`SELECT count(*)::int AS n FROM (SELECT session_id FROM session_offers WHERE tenant_id = ${tenant.id}
            AND state = 'accepted' GROUP BY session_id HAVING count(*) > 1) x`,
      );
      expect(Number(acceptedTwice[0]!.n)).toBe(0);
      expect(new Set(owners.map((o) => o.session_id)).size).toBe(owners.length);
      const loads = new Map<string, number>();
      owners.forEach((o) => loads.set(o.user_id, (loads.get(o.user_id) ?? 0) + 1));
      expect(Math.max(...loads.values())).toBeLessThanOrEqual(CAPACITY);
      const overlaps = await queryRows<{ n: number }>(
        db,
        sql`SELECT count(*)::int AS n FROM session_offers o1 JOIN session_offers o2
              ON o1.session_id = o2.session_id AND o1.id < o2.id
            WHERE o1.tenant_id = ${tenant.id}
              AND o2.created_at < coalesce(o1.resolved_at, 'infinity') AND o1.created_at < coalesce(o2.resolved_at, 'infinity')`,
      );
      expect(Number(overlaps[0]!.n)).toBe(0);
      sockets.forEach((s) => s.close());
    },
    SOAK ? 1_800_000 : 180_000,
  );
});
