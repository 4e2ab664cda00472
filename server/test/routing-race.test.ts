import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { groupMembers, groups, routingRules, users } from '../src/db/schema.js';
import { insertChannelAccount } from '../src/channels/channel-accounts.repo.js';
import { queryRows } from '../src/db/database.js';
import { createSecretBox } from '../src/lib/secret-box.js';
import { call, createTestTenant, logIn, type Session } from './factories.js';
import { driver, openTestDatabase, testDatabaseUrl } from './harness.js';
import { spawnApp, waitReady, type AppProcess } from './processes.js';
import { connectSocket, sleep, type TestSocket } from './socket-client.js';

const started: AppProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

/**
 * Many customers arrive, many operators race to accept every offer through both processes at once, and
 * presence flips while it happens. Afterwards the database must show: each session accepted exactly once,
 * one owner per session, no operator past capacity, and in utilisation mode never two open offers of one
 * session at the same time.
 */
describe.runIf(driver === 'postgres')('routing under concurrency, two processes on one PostgreSQL', () => {
  it('offers one operator at a time, accepts once, never exceeds capacity', async () => {
    const secret = Buffer.alloc(32, 5).toString('base64');
    const env = {
      DATABASE_URL: testDatabaseUrl()!,
      SECRET_KEY: secret,
      DEMO: 'false',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    };
    const a = await spawnApp({ ...env });
    const b = await spawnApp({ ...env });
    started.push(a, b);
    await Promise.all([waitReady(a), waitReady(b)]);
    const apps = [a, b];

    const database = await openTestDatabase();
    const tenant = await createTestTenant(database);
    const CAPACITY = 2;
    // Group A routes by utilisation, group B offers the whole group; eight operators, four in each.
    await database.db
      .update(groups)
      .set({ routingMode: 'utilisation', offerTimeoutSeconds: 5 })
      .where(eq(groups.id, tenant.groupA));
    await database.db
      .update(groups)
      .set({ routingMode: 'whole_group', offerTimeoutSeconds: 5 })
      .where(eq(groups.id, tenant.groupB));
    await database.db.delete(groupMembers).where(eq(groupMembers.tenantId, tenant.id));
    const box = createSecretBox(Buffer.from(secret, 'base64'));
    const keyA = `race-a-${randomUUID()}`;
    const keyB = `race-b-${randomUUID()}`;
    const widgetA = await insertChannelAccount(database.db, box, {
      tenantId: tenant.id,
      channel: 'webchat',
      name: 'A',
      externalId: keyA,
    });
    const widgetB = await insertChannelAccount(database.db, box, {
      tenantId: tenant.id,
      channel: 'webchat',
      name: 'B',
      externalId: keyB,
    });
    await database.db.insert(routingRules).values([
      {
        tenantId: tenant.id,
        position: 1,
        match: { channelAccountIds: [widgetA.id] },
        groupId: tenant.groupA,
      },
      {
        tenantId: tenant.id,
        position: 2,
        match: { channelAccountIds: [widgetB.id] },
        groupId: tenant.groupB,
      },
    ]);
    const operators: Array<{ id: string; email: string; group: string }> = [];
    const hash = (
      await database.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, tenant.admin.id))
    )[0]!.h;
    for (let i = 0; i < 8; i++) {
      const group = i < 4 ? tenant.groupA : tenant.groupB;
      const [user] = await database.db
        .insert(users)
        .values({
          tenantId: tenant.id,
          email: `racer-${i}-${randomUUID().slice(0, 6)}@example.test`,
          name: `Racer ${i}`,
          role: 'operator',
          capacity: CAPACITY,
          passwordHash: hash,
        })
        .returning();
      await database.db
        .insert(groupMembers)
        .values({ tenantId: tenant.id, groupId: group, userId: user!.id });
      operators.push({ id: user!.id, email: user!.email, group });
    }

    // Every operator is signed in on both processes; their socket is on one of them.
    const sessionsOn: Array<[Session, Session]> = [];
    const sockets: TestSocket[] = [];
    for (const [i, op] of operators.entries()) {
      const onA = await logIn(a.url, op);
      const onB = await logIn(b.url, op);
      sessionsOn.push([onA, onB]);
      sockets.push(await connectSocket(apps[i % 2]!.url, { cookie: (i % 2 ? onB : onA).cookie }));
    }
    const accepts: Array<{ offerId: string; sessionId: string; userId: string; status: number }> = [];
    const pending: Promise<unknown>[] = [];
    sockets.forEach((socket, i) => {
      socket.socket.on('event', (event) => {
        if (event.name !== 'offer.created') return;
        const offer = event.payload as { id: string; sessionId: string };
        // The same operator accepts through both processes at once, as a double click across a reconnect might.
        for (const [j, app] of apps.entries()) {
          pending.push(
            call(app.url, 'POST', `/api/v1/offers/${offer.id}/accept`, {
              headers: sessionsOn[i]![j]!.headers,
            }).then((r) =>
              accepts.push({
                offerId: offer.id,
                sessionId: offer.sessionId,
                userId: operators[i]!.id,
                status: r.status,
              }),
            ),
          );
        }
      });
    });
    const setPresence = (i: number, status: string) =>
      call(apps[(i + 1) % 2]!.url, 'PUT', '/api/v1/operators/me/presence', {
        headers: sessionsOn[i]![(i + 1) % 2]!.headers,
        body: { status },
      });

    await Promise.all(operators.map((_, i) => setPresence(i, 'available')));
    // 28 customers over both processes and both widgets (within the widget's per-address rate limit), while presence flips.
    const customers = Array.from({ length: 28 }, (_, n) =>
      call(apps[n % 2]!.url, 'POST', `/api/v1/webchat/${n % 4 < 2 ? keyA : keyB}/chat`, {
        body: { question: `Customer ${n}` },
      }),
    );
    const churn = (async () => {
      for (let round = 0; round < 12; round++) {
        const i = round % operators.length;
        await setPresence(i, round % 3 === 0 ? 'away' : 'available');
        await sleep(40);
        await setPresence(i, 'available');
      }
    })();
    const created = await Promise.all(customers);
    expect(created.every((r) => r.status === 200)).toBe(true);
    await churn;
    await Promise.all(operators.map((_, i) => setPresence(i, 'available')));
    // Let the accepts settle: the last presence change may offer sessions late, and each offer is accepted as it
    // comes, so settled is when no session is on offer and every accept has been answered.
    const onOffer = async () =>
      Number(
        (
          await queryRows<{ n: number }>(
            database.db,
            sql`SELECT count(*)::int AS n FROM sessions WHERE tenant_id = ${tenant.id} AND state = 'offered'`,
          )
        )[0]!.n,
      );
    for (
      let i = 0;
      i < 150 && (pending.length === 0 || accepts.length < pending.length || (await onOffer()) > 0);
      i++
    )
      await sleep(200);
    await Promise.all(pending);
    await sleep(1000);
    await Promise.all(pending);

    const tenantId = tenant.id;
    const acceptedOffers = await queryRows<{ session_id: string; n: number }>(
      database.db,
      sql`SELECT session_id, count(*)::int AS n FROM session_offers WHERE tenant_id = ${tenantId} AND state = 'accepted' GROUP BY session_id`,
    );
    expect(acceptedOffers.every((r) => Number(r.n) === 1)).toBe(true);
    const owners = await queryRows<{ session_id: string; n: number }>(
      database.db,
      sql`SELECT sp.session_id, count(*)::int AS n FROM session_participants sp WHERE sp.tenant_id = ${tenantId} AND sp.left_at IS NULL GROUP BY sp.session_id`,
    );
    expect(owners.every((r) => Number(r.n) === 1)).toBe(true);
    const loads = await queryRows<{ user_id: string; n: number }>(
      database.db,
      sql`SELECT user_id, count(*)::int AS n FROM (
            SELECT sp.user_id FROM session_participants sp WHERE sp.tenant_id = ${tenantId} AND sp.left_at IS NULL
            UNION ALL SELECT o.user_id FROM session_offers o WHERE o.tenant_id = ${tenantId} AND o.state = 'pending') x GROUP BY user_id`,
    );
    expect(Math.max(...loads.map((r) => Number(r.n)))).toBeLessThanOrEqual(CAPACITY);
    // Capacity is full everywhere (8 × 2 = 16 sessions taken), the rest wait.
    const states = await queryRows<{ state: string; n: number }>(
      database.db,
      sql`SELECT state, count(*)::int AS n FROM sessions WHERE tenant_id = ${tenantId} GROUP BY state`,
    );
    const byState = Object.fromEntries(states.map((s) => [s.state, Number(s.n)]));
    expect((byState.active ?? 0) + (byState.offered ?? 0) + (byState.waiting ?? 0)).toBe(28);
    expect(byState.active).toBe(16);
    // Exactly one successful accept per active session, whatever raced.
    const wins = accepts.filter((x) => x.status === 200);
    expect(new Set(wins.map((w) => w.sessionId)).size).toBe(wins.length);
    expect(wins.length).toBe(16);
    expect(accepts.filter((x) => x.status !== 200).every((x) => x.status === 409)).toBe(true);
    // Utilisation mode: no two offers of one session were ever open at the same time.
    const overlaps = await queryRows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM session_offers o1 JOIN session_offers o2
            ON o1.session_id = o2.session_id AND o1.id < o2.id AND o1.kind = 'queue' AND o2.kind = 'queue'
          JOIN sessions s ON s.id = o1.session_id
          WHERE s.tenant_id = ${tenantId} AND s.group_id = ${tenant.groupA}
            AND o2.created_at < coalesce(o1.resolved_at, 'infinity') AND o1.created_at < coalesce(o2.resolved_at, 'infinity')`,
    );
    expect(Number(overlaps[0]!.n)).toBe(0);
    sockets.forEach((s) => s.close());
    await database.close();
  }, 120_000);
});
