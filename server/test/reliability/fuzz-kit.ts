import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { Database } from '../../src/db/database.js';
import { queryRows } from '../../src/db/database.js';

/*
 * Mutations for property-based tests: a valid value is changed at a few random places (a field removed, its
 * value replaced by any JSON, wrapped in an array, turned into a string, an array emptied), so the input stays
 * close enough to valid to reach deep into the code.
 */

type Json = unknown;

const mutationOp = fc.oneof(
  fc.record({ op: fc.constant('delete' as const) }),
  fc.record({ op: fc.constant('replace' as const), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({
    op: fc.constant('oddity' as const),
    value: fc.constantFrom<Json>(
      '',
      ' ',
      null,
      0,
      -1,
      1e308,
      2 ** 53 + 1,
      true,
      [],
      {},
      '\u0000',
      '\u202e',
      'x'.repeat(5000),
      '../../etc/passwd',
      "'; DROP TABLE messages; --",
      '<script>window.__xss=1</script>',
      '00000000-0000-0000-0000-000000000000',
      JSON.parse('{"__proto__":{"polluted":true}}') as Json,
      { constructor: { prototype: { polluted: true } } },
    ),
  }),
  fc.record({ op: fc.constant('wrap' as const) }),
  fc.record({ op: fc.constant('stringify' as const) }),
);

export const mutations = fc.array(fc.tuple(fc.nat(), mutationOp), { minLength: 1, maxLength: 4 });
export type Mutations = fc.Arbitrary<typeof mutations extends fc.Arbitrary<infer T> ? T : never>;

/** Every place in a value that can be changed: [container, key]. */
function places(value: Json, out: Array<[Record<string, Json> | Json[], string | number]> = []) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([value, i]);
      places(item, out);
    });
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([value as Record<string, Json>, key]);
      places(item, out);
    }
  }
  return out;
}

/** Applies the mutations to a deep copy of `value`. */
export function mutate(
  value: Json,
  ops: ReadonlyArray<readonly [number, { op: string; value?: Json }]>,
): Json {
  const copy = structuredClone(value);
  for (const [at, change] of ops) {
    const all = places(copy);
    if (all.length === 0) break;
    const [container, key] = all[at % all.length]!;
    const current = (container as Record<string | number, Json>)[key];
    // A copy: the generated values are shared between runs and must never be changed, nor end up inside themselves.
    const set = (v: Json) =>
      ((container as Record<string | number, Json>)[key] =
        v === undefined ? v : JSON.parse(JSON.stringify(v)));
    switch (change.op) {
      case 'delete':
        if (Array.isArray(container)) container.splice(key as number, 1);
        else delete (container as Record<string, Json>)[key as string];
        break;
      case 'replace':
      case 'oddity':
        set(change.value);
        break;
      case 'wrap':
        set([current]);
        break;
      case 'stringify':
        set(JSON.stringify(current) ?? 'undefined');
        break;
    }
  }
  return copy;
}

/** Byte-level damage to a serialised body: cut short, a character replaced, or bytes that are not UTF-8. */
export const rawDamage = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), with: fc.string({ maxLength: 3 }) }),
  fc.record({ kind: fc.constant('binary' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
);

export function damage(body: string, d: typeof rawDamage extends fc.Arbitrary<infer T> ? T : never): Buffer {
  if (d.kind === 'truncate') return Buffer.from(body.slice(0, d.at % body.length));
  if (d.kind === 'replace') {
    const at = d.at % body.length;
    return Buffer.from(body.slice(0, at) + d.with + body.slice(at + 1));
  }
  return Buffer.concat([Buffer.from(body.slice(0, 10)), Buffer.from(d.bytes)]);
}

/** The tenant's rows in the tables that input writes to: a rejected request must leave every count as it was. */
export async function tenantCounts(database: Database, tenantId: string): Promise<Record<string, number>> {
  const tables = [
    'messages',
    'sessions',
    'contacts',
    'contact_identities',
    'session_offers',
    'files',
    'tags',
    'templates',
    'groups',
    'users',
    'routing_rules',
    'blacklist_entries',
    'wrapup_reasons',
    'api_keys',
    'channel_accounts',
    'group_members',
    'session_tags',
    'session_participants',
    'webchat_visitors',
  ];
  const existing = await queryRows<{ table_name: string }>(
    database.db,
    sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
  );
  const present = tables.filter((t) => existing.some((e) => e.table_name === t));
  const select = present
    .map((t) => `(SELECT count(*)::int FROM ${t} WHERE tenant_id = $1) AS ${t}`)
    .join(', ');
  const { rows } = await database.query<Record<string, number>>(`SELECT ${select}`, [tenantId]);
  return Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]));
}
