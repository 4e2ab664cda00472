/** How long the accounts a webhook names are reused: a new secret or a removed account counts within this. */
const TTL_MS = 2_000;
/** Different sets of accounts remembered per database; beyond this the cache starts over. */
const MAX_ENTRIES = 1_000;

interface Entry {
  at: number;
  rows: Promise<unknown[]>;
}

const byDatabase = new WeakMap<object, Map<string, Entry>>();

/**
 * The accounts a webhook names, read from the database at most once per {@link TTL_MS} for the same names: every
 * webhook of a busy number would otherwise start with the same read. Only found accounts are kept, so a number
 * connected a moment ago is seen at once; concurrent webhooks share one read.
 */
export function cachedAccounts<A>(
  db: object,
  key: string,
  load: () => Promise<A[]>,
  now: number = Date.now(),
): Promise<A[]> {
  let cache = byDatabase.get(db);
  if (!cache) {
    cache = new Map();
    byDatabase.set(db, cache);
  }
  const hit = cache.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.rows as Promise<A[]>;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const rows = load();
  const entry = { at: now, rows };
  cache.set(key, entry);
  rows.then(
    (found) => {
      if (found.length === 0 && cache.get(key) === entry) cache.delete(key);
    },
    () => {
      if (cache.get(key) === entry) cache.delete(key);
    },
  );
  return rows;
}

/** Forgets the accounts read for `db`'s webhooks: after a change to an account, the next webhook reads them again. */
export function forgetCachedAccounts(db: object): void {
  byDatabase.delete(db);
}
