import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type TestTenant } from '../../test/factories.js';
import { driver, testDatabaseUrl, type TestApp } from '../../test/harness.js';
import { startTwoTenants, type TwoTenants } from '../../test/two-tenants.js';
import { connectSocket, sleep } from '../../test/socket-client.js';
import { beforeCommit } from '../db/database.js';
import { rooms } from './event-map.js';
import { recordEvent } from './record-event.js';

let t: TestApp;
let a: TestTenant;
let b: TestTenant;
let s: TwoTenants['s'];

beforeAll(async () => {
  ({ t, a, b, s } = await startTwoTenants());
});
afterAll(() => t.close());

/** Publishes a group event through the real path: a committed transaction. */
async function groupEvent(tenantId: string, groupId: string, name: string) {
  return t.database.db.transaction((tx) =>
    recordEvent(tx, tenantId, 'group.changed', [rooms.group(groupId)], { groupId, name }),
  );
}

describe('socket authentication', () => {
  it('refuses a socket without credentials', async () => {
    await expect(connectSocket(t.url, {})).rejects.toThrow(/Sign in/);
  });

  it('refuses a page from another origin even with a valid cookie', async () => {
    await expect(
      connectSocket(t.url, { cookie: s.olga!.cookie, origin: 'https://evil.example' }),
    ).rejects.toThrow();
  });

  it('accepts an API key', async () => {
    const created = await call(t.url, 'POST', '/api/v1/api-keys', {
      headers: s.adminA!.headers,
      body: { name: 'rt', role: 'admin' },
    });
    const socket = await connectSocket(t.url, { token: created.body.key });
    await groupEvent(a.id, a.groupB, 'for every group');
    await socket.waitFor(
      (e) => e.name === 'group.changed' && (e.payload as { name: string }).name === 'for every group',
    );
    socket.close();
  });
});

describe('rooms', () => {
  it('delivers a tenant’s events to its own sockets only', async () => {
    const olga = await connectSocket(t.url, { cookie: s.olga!.cookie });
    const other = await connectSocket(t.url, { cookie: s.adminB!.cookie });
    await call(t.url, 'PUT', '/api/v1/operators/me/presence', {
      headers: s.petr!.headers,
      body: { status: 'available' },
    });
    const event = await olga.waitFor((e) => e.name === 'presence.changed');
    expect(event.payload).toMatchObject({ userId: a.operators[1]!.id, status: 'available' });
    expect(event.seq).toBeGreaterThan(olga.ready.seq);
    await sleep(200);
    expect(other.events).toEqual([]);
    olga.close();
    other.close();
  });

  it('delivers group events to members and administrators, and follows membership changes at once', async () => {
    const olga = await connectSocket(t.url, { cookie: s.olga!.cookie });
    const petr = await connectSocket(t.url, { cookie: s.petr!.cookie });
    const admin = await connectSocket(t.url, { cookie: s.adminA!.cookie });
    await groupEvent(a.id, a.groupA, 'first');
    await olga.waitFor((e) => e.name === 'group.changed');
    await admin.waitFor((e) => e.name === 'group.changed');
    await sleep(150);
    expect(petr.events.filter((e) => e.name === 'group.changed')).toEqual([]);

    // Petr joins group A: his open socket receives its events from now on.
    const members = await call(t.url, 'PUT', `/api/v1/groups/${a.groupA}/members`, {
      headers: s.adminA!.headers,
      body: {
        members: [
          { userId: a.operators[0]!.id },
          { userId: a.operators[1]!.id },
          { userId: a.supervisor.id },
        ],
      },
    });
    expect(members.status).toBe(200);
    await petr.waitFor((e) => e.name === 'membership.changed');
    await groupEvent(a.id, a.groupA, 'second');
    const second = await petr.waitFor((e) => e.name === 'group.changed');
    expect((second.payload as { name: string }).name).toBe('second');
    [olga, petr, admin].forEach((x) => x.close());
  });

  it('publishes nothing for a transaction that rolled back', async () => {
    const olga = await connectSocket(t.url, { cookie: s.olga!.cookie });
    await expect(
      t.database.db.transaction(async (tx) => {
        await recordEvent(tx, a.id, 'group.changed', [rooms.tenant(a.id)], {
          groupId: a.groupA,
          name: 'phantom',
        });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await groupEvent(a.id, a.groupA, 'committed');
    const event = await olga.waitFor((e) => (e.payload as { name?: string }).name === 'committed');
    expect(olga.events.some((e) => (e.payload as { name?: string }).name === 'phantom')).toBe(false);
    // The rolled-back event did not use up a sequence number either.
    expect(event.seq).toBe(olga.ready.seq + 1);
    olga.close();
  });
});

describe('resume after reconnecting', () => {
  it('replays everything missed, in order, once, and then continues live', async () => {
    const first = await connectSocket(t.url, { cookie: s.olga!.cookie });
    await groupEvent(a.id, a.groupA, 'seen');
    const seen = await first.waitFor((e) => (e.payload as { name?: string }).name === 'seen');
    first.close();

    const missed = [0, 1, 2, 3, 4].map((i) => `missed ${i}`);
    for (const name of missed) await groupEvent(a.id, a.groupA, name);
    await groupEvent(a.id, a.groupB, 'not for olga');
    await t.app.realtime.relay.flush();

    const again = await connectSocket(t.url, { cookie: s.olga!.cookie, lastSeq: seen.seq });
    expect(again.ready.replayed).toBe(5);
    expect(again.events.map((e) => (e.payload as { name: string }).name)).toEqual(missed);
    await groupEvent(a.id, a.groupA, 'live');
    await again.waitFor((e) => (e.payload as { name?: string }).name === 'live');
    again.close();
  });

  it('loses and repeats nothing when events keep coming while it reconnects', async () => {
    const base = await connectSocket(t.url, { cookie: s.olga!.cookie });
    const startSeq = base.ready.seq;
    base.close();
    let writing = true;
    const written: string[] = [];
    const writer = (async () => {
      for (let i = 0; writing || i < 20; i++) {
        await groupEvent(a.id, a.groupA, `burst ${i}`);
        written.push(`burst ${i}`);
        if (i > 200) break;
      }
    })();
    await sleep(30);
    const socket = await connectSocket(t.url, { cookie: s.olga!.cookie, lastSeq: startSeq });
    await sleep(100);
    writing = false;
    await writer;
    const last = written.at(-1)!;
    await socket.waitFor((e) => (e.payload as { name?: string }).name === last);
    expect(socket.events.map((e) => (e.payload as { name: string }).name)).toEqual(written);
    // Numbers are consecutive: nothing skipped, nothing repeated.
    const seqs = socket.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => startSeq + 1 + i));
    socket.close();
  });
});

describe('ordering', () => {
  it.runIf(driver === 'postgres')(
    'announces a later commit while an older transaction is still at work, and the older one after it commits',
    async () => {
      const olga = await connectSocket(t.url, { cookie: s.olga!.cookie });
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let recorded!: () => void;
      const slowRecorded = new Promise<void>((resolve) => (recorded = resolve));
      const slow = t.database.db.transaction(async (tx) => {
        await recordEvent(tx, a.id, 'group.changed', [rooms.group(a.groupA)], {
          groupId: a.groupA,
          name: 'slow',
        });
        // A transaction's events are written after the rest of its work, which here waits until released.
        await beforeCommit(tx, async () => {
          recorded();
          await released;
        });
      });
      await slowRecorded;
      try {
        // A writer that started later commits first, and its event does not wait for the slow one.
        await groupEvent(a.id, a.groupA, 'fast');
        await olga.waitFor((e) => (e.payload as { name?: string }).name === 'fast');
        expect(olga.events.map((e) => (e.payload as { name?: string }).name)).not.toContain('slow');
      } finally {
        release();
      }
      await slow;
      await olga.waitFor((e) => (e.payload as { name?: string }).name === 'slow');
      const [first, second] = olga.events.slice(-2);
      expect([first, second].map((e) => (e!.payload as { name?: string }).name)).toEqual(['fast', 'slow']);
      expect(second!.seq).toBe(first!.seq + 1);
      olga.close();
    },
  );

  it.runIf(driver === 'postgres')(
    'is not held back by a long transaction of another database on the same server',
    async () => {
      const olga = await connectSocket(t.url, { cookie: s.olga!.cookie });
      const other = new pg.Client({
        connectionString: process.env.TEST_DATABASE_URL!.replace(/\/[^/]*$/, '/postgres'),
      });
      await other.connect();
      try {
        // A write transaction elsewhere that holds a transaction id for as long as the test runs.
        await other.query('BEGIN');
        await other.query('SELECT pg_current_xact_id()');
        await groupEvent(a.id, a.groupA, 'despite the long transaction');
        await olga.waitFor(
          (e) => (e.payload as { name?: string }).name === 'despite the long transaction',
          3_000,
        );
      } finally {
        await other.query('ROLLBACK').catch(() => undefined);
        await other.end();
        olga.close();
      }
    },
  );

  it.runIf(driver === 'postgres')(
    'delivers events of a process that committed them and died before telling the others',
    async () => {
      const olga = await connectSocket(t.url, { cookie: s.olga!.cookie });
      const other = new pg.Client({ connectionString: testDatabaseUrl() });
      await other.connect();
      try {
        // What another process's transaction writes (record-event.ts), committed with no NOTIFY after it.
        await other.query(
          `WITH bumped AS (
             INSERT INTO tenant_event_counters AS c (tenant_id, last_seq) VALUES ($1, 1)
             ON CONFLICT (tenant_id) DO UPDATE SET last_seq = c.last_seq + 1 RETURNING c.last_seq)
           INSERT INTO realtime_events (tenant_id, seq, name, rooms, payload, created_at)
           SELECT $1, last_seq, 'group.changed', ARRAY[$2], $3::jsonb, now() FROM bumped`,
          [a.id, rooms.group(a.groupA), JSON.stringify({ groupId: a.groupA, name: 'never told' })],
        );
      } finally {
        await other.end();
      }
      await olga.waitFor((e) => (e.payload as { name?: string }).name === 'never told', 4_000);
      olga.close();
    },
  );
});

describe('numbering events as they are written', () => {
  it('numbers them before the commit and announces them in commit order, without the rolled-back ones', async () => {
    const olga = await connectSocket(t.url, { cookie: s.olga!.cookie });
    const unnumbered: string[] = [];
    const committed: string[] = [];
    await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        t.database.db.transaction(async (tx) => {
          for (const part of ['a', 'b'])
            await recordEvent(tx, a.id, 'group.changed', [rooms.group(a.groupA)], {
              groupId: a.groupA,
              name: `tx ${i}${part}`,
            });
          // After the events are written (the last finishers run in order), still inside the transaction: no
          // relay can have numbered them yet, and the tenant's counter is this transaction's until it commits.
          await beforeCommit(
            tx,
            async () => {
              const { rows } = (await tx.execute(
                `SELECT payload->>'name' AS name, seq FROM realtime_events WHERE payload->>'name' LIKE 'tx ${i}_'`,
              )) as unknown as { rows: Array<{ name: string; seq: string | null }> };
              expect(rows).toHaveLength(2);
              unnumbered.push(...rows.filter((row) => row.seq === null).map((row) => row.name));
              if (i % 5 === 3) throw new Error('rolled back');
              committed.push(`tx ${i}a`, `tx ${i}b`);
            },
            { last: true },
          );
        }),
      ),
    );
    expect(unnumbered).toEqual([]);
    expect(committed).toHaveLength(38);
    await olga.waitFor((e) => (e.payload as { name?: string }).name === committed.at(-1));
    const names = olga.events.map((e) => (e.payload as { name: string }).name);
    expect(names).toEqual(committed);
    const seqs = olga.events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => olga.ready.seq + 1 + i));
    olga.close();
  });

  it('numbers the events of concurrent transactions with two tenants each without gaps, none failing', async () => {
    const before = await t.database.query<{ tenant_id: string; last_seq: string }>(
      `SELECT tenant_id, last_seq FROM tenant_event_counters WHERE tenant_id IN ($1, $2)`,
      [a.id, b.id],
    );
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        t.database.db.transaction(async (tx) => {
          const order = i % 2 === 0 ? [a, b] : [b, a];
          for (const tenant of order)
            await recordEvent(tx, tenant.id, 'group.changed', [rooms.group(tenant.groupA)], {
              groupId: tenant.groupA,
              name: `both ${i}`,
            });
        }),
      ),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    for (const tenant of [a, b]) {
      const start = Number(before.rows.find((row) => row.tenant_id === tenant.id)?.last_seq ?? 0);
      const { rows } = await t.database.query<{ seq: string }>(
        `SELECT seq FROM realtime_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq`,
        [tenant.id, start],
      );
      expect(rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: 40 }, (_, i) => start + 1 + i));
    }
  });
});

describe('flushing the relay', () => {
  it('numbers every event committed before it', async () => {
    await groupEvent(a.id, a.groupA, 'flushed');
    await t.app.realtime.relay.flush();
    const { rows } = await t.database.query<{ seq: string | null }>(
      `SELECT seq FROM realtime_events WHERE payload->>'name' = 'flushed'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.seq).not.toBeNull();
  });
});

describe('socket events are validated and authorised', () => {
  it('sets presence over the socket and refuses a malformed payload', async () => {
    const olga = await connectSocket(t.url, { cookie: s.olga!.cookie });
    const bad = await olga.socket.emitWithAck('presence.set', { status: 'rona' } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const good = await olga.socket.emitWithAck('presence.set', { status: 'away', awayReason: 'Break' });
    expect(good).toEqual({ ok: true, data: { status: 'away' } });
    const event = await olga.waitFor(
      (e) => e.name === 'presence.changed' && (e.payload as { userId: string }).userId === a.operators[0]!.id,
    );
    expect(event.payload).toMatchObject({ status: 'away', awayReason: 'Break' });
    olga.close();
  });
});
