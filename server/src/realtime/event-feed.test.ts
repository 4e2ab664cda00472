import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../../test/factories.js';
import { openTestDatabase } from '../../test/harness.js';
import type { Database } from '../db/database.js';
import { createEventFeed } from './event-feed.js';
import { rooms } from './event-map.js';
import { lastSeqs, numberedEvents } from './realtime-events.repo.js';
import { recordEvent, type NotifiedEvent } from './record-event.js';

let database: Database;
let tenant: TestTenant;

beforeAll(async () => {
  database = await openTestDatabase();
  tenant = await createTestTenant(database);
});
afterAll(() => database.close());

/** Records `names` as events of the tenant, each in a transaction of its own, and reads them back numbered. */
async function record(...names: string[]): Promise<NotifiedEvent[]> {
  const start = (await lastSeqs(database.db)).get(tenant.id) ?? 0;
  for (const name of names)
    await database.db.transaction((tx) =>
      recordEvent(tx, tenant.id, 'group.changed', [rooms.group(tenant.groupA)], {
        groupId: tenant.groupA,
        name,
      }),
    );
  return numberedEvents(database.db, tenant.id, start, start + names.length);
}

function feedFrom(delivered: Map<string, number>) {
  const seen: string[] = [];
  const feed = createEventFeed({
    delivered,
    read: (tenantId, after, upTo) => numberedEvents(database.db, tenantId, after, upTo),
    deliver: async (event) => void seen.push((event.envelope!.payload as { name: string }).name),
    onError: (error) => {
      throw error;
    },
  });
  return { feed, seen };
}

describe('the event feed', () => {
  it('delivers events that arrive out of order in their numbers’ order, once, reading the gaps back', async () => {
    const delivered = await lastSeqs(database.db);
    const [first, second, third] = await record('first', 'second', 'third');
    const { feed, seen } = feedFrom(delivered);

    feed.numbered([third!]);
    await feed.drained();
    expect(seen).toEqual(['first', 'second', 'third']);

    feed.numbered([second!, first!]);
    feed.numbered([third!]);
    await feed.drained();
    expect(seen).toEqual(['first', 'second', 'third']);
    expect(delivered.get(tenant.id)).toBe(third!.seq);
  });

  it('delivers what a transaction hands over after the rest of that turn: its callers are answered first', async () => {
    const delivered = await lastSeqs(database.db);
    const [eighth] = await record('eighth');
    const { feed, seen } = feedFrom(delivered);
    const order: string[] = [];

    feed.numbered([eighth!]);
    // What the commit's callers do in the same turn (a group of webhooks answered), however many steps it takes.
    let answers = Promise.resolve();
    for (let i = 0; i < 50; i++)
      answers = answers.then(() => void order.push(`answer, events delivered: ${seen.length}`));
    await answers;
    await feed.drained();
    expect(new Set(order)).toEqual(new Set(['answer, events delivered: 0']));
    expect(seen).toEqual(['eighth']);
  });

  it('reads what another process committed up to the number it was told, and nothing twice', async () => {
    const delivered = await lastSeqs(database.db);
    const { feed, seen } = feedFrom(delivered);
    const [fourth, fifth] = await record('fourth', 'fifth');

    feed.committed({ tenantId: tenant.id, upTo: fifth!.seq });
    feed.numbered([fourth!, fifth!]);
    feed.committed({ tenantId: tenant.id, upTo: fourth!.seq });
    await feed.drained();
    expect(seen).toEqual(['fourth', 'fifth']);
  });

  it('starts a tenant it has never seen from its first event', async () => {
    const other = await createTestTenant(database);
    const { feed, seen } = feedFrom(new Map());
    await database.db.transaction((tx) =>
      recordEvent(tx, other.id, 'group.changed', [rooms.group(other.groupA)], {
        groupId: other.groupA,
        name: 'new tenant',
      }),
    );
    feed.committed({ tenantId: other.id, upTo: 1 });
    await feed.drained();
    expect(seen).toEqual(['new tenant']);
  });

  it('reads what the counters say is committed and it was never told of, once', async () => {
    const delivered = await lastSeqs(database.db);
    const { feed, seen } = feedFrom(delivered);
    await record('sixth', 'seventh');

    feed.counted(await lastSeqs(database.db));
    feed.counted(await lastSeqs(database.db));
    await feed.drained();
    expect(seen).toEqual(['sixth', 'seventh']);
  });
});
