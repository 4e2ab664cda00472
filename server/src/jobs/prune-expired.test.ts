import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database } from '../db/database.js';
import { authSessions } from '../db/schema.js';
import { createTestTenant } from '../../test/factories.js';
import { openTestDatabase } from '../../test/harness.js';
import { pruneExpired } from './prune-expired.js';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const DAY = 24 * 3_600_000;

describe('the hourly prune', () => {
  it('deletes realtime events older than a week and expired sign-ins, and keeps the rest', async () => {
    const tenant = await createTestTenant(database);
    const now = new Date('2026-12-05T12:00:00Z');
    // A week and a half of events, in time order as the app appends them, a few hundred a day.
    await database.db.execute(
      sql`INSERT INTO realtime_events (tenant_id, seq, name, rooms, payload, created_at)
          SELECT ${tenant.id}, n, 'session.changed', ARRAY['group:1'], jsonb_build_object('n', n),
                 ${now.toISOString()}::timestamptz - interval '10 days' + n * interval '5 minutes'
          FROM generate_series(1, 2880) AS n`,
    );
    await database.db.insert(authSessions).values([
      {
        id: `expired-${tenant.id}`,
        tenantId: tenant.id,
        userId: tenant.admin.id,
        csrfToken: 'a',
        expiresAt: new Date(now.getTime() - 1_000),
      },
      {
        id: `live-${tenant.id}`,
        tenantId: tenant.id,
        userId: tenant.admin.id,
        csrfToken: 'b',
        expiresAt: new Date(now.getTime() + DAY),
      },
    ]);

    await pruneExpired.handle({ database, now: () => now }, {}, { id: 'test', retryCount: 0 });

    const [events] = await queryRows<{ left: number; oldest: Date }>(
      database.db,
      sql`SELECT count(*)::int AS left, min(created_at) AS oldest FROM realtime_events
          WHERE tenant_id = ${tenant.id}`,
    );
    // Ten days at one every five minutes, less the three days past the week.
    expect(events!.left).toBe(2880 - 3 * 288 + 1);
    expect(new Date(events!.oldest).getTime()).toBe(now.getTime() - 7 * DAY);
    const sessions = await queryRows<{ id: string }>(
      database.db,
      sql`SELECT id FROM auth_sessions WHERE tenant_id = ${tenant.id}`,
    );
    expect(sessions.map((s) => s.id)).toEqual([`live-${tenant.id}`]);
  });
});
