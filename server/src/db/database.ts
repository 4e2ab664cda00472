import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgDialect, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema.js';
import { maintainEmbedded } from './embedded-maintenance.js';
import { usePreparedStatements } from './pglite-prepared.js';
import { lockDataDir } from './data-dir-lock.js';
import { LocalBus } from './local-bus.js';

export type Schema = typeof schema;
/** The typed query layer, the same type on PGlite and PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** A database handle or an open transaction: repositories accept either. */
export type Executor = Db | Tx;

/**
 * A notification: a NOTIFY's text, or a value this process's transactions handed over themselves (local-bus.ts),
 * as it was given.
 */
export type NotificationHandler = (payload: unknown) => void;

export interface Database {
  driver: 'pglite' | 'postgres';
  db: Db;
  /** Raw parameterised SQL, for pg-boss and the few statements the query layer does not express. */
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
  /** LISTEN on a channel; NOTIFY from any process on the same database arrives here after its commit. */
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  migrate(): Promise<void>;
  /** PGlite only: the whole data directory as one tar archive, which `loadDataDir` opens again. */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');
/** Any fixed number: every process that migrates takes the same advisory lock first. */
const MIGRATION_LOCK_KEY = 727_011;

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** Directory for embedded PGlite; `memory://` keeps it in memory (tests). */
  dataDir: string;
  poolSize?: number;
  /**
   * PGlite only: how often to look for tables due a vacuum or analyse (embedded-maintenance.ts); by default every
   * 10 s for a data directory and never in memory.
   */
  maintenanceIntervalMs?: number;
  /**
   * PGlite only: start from this archive of a data directory (`dumpDataDir`) instead of an empty one. Tests open
   * every file's database from one migrated archive: restoring it takes a fifth of the time of a new cluster.
   */
  loadDataDir?: Blob | undefined;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openPglite(options);
}

async function openPglite({
  dataDir,
  maintenanceIntervalMs,
  loadDataDir,
}: DatabaseOptions): Promise<Database> {
  let releaseLock = async () => {};
  let location: string | undefined;
  if (dataDir !== 'memory://') {
    mkdirSync(dataDir, { recursive: true });
    // PGlite has no cross-process lock: two processes on one directory silently lose writes.
    releaseLock = await lockDataDir(dataDir);
    location = path.join(dataDir, 'pglite');
  }
  let client: PGlite;
  try {
    client = await PGlite.create(location, { loadDataDir });
  } catch (error) {
    await releaseLock();
    throw error;
  }
  usePreparedStatements(client);
  // One process alone on its data directory: nothing to tell others.
  const bus = new LocalBus(undefined, () => {});
  const interval = maintenanceIntervalMs ?? (location ? 10_000 : 0);
  const stopMaintenance = interval > 0 ? maintainEmbedded(client, interval) : async () => {};
  const db = withCommitHooks(drizzlePglite(client, { schema }) as unknown as Db, bus);
  return {
    driver: 'pglite',
    db,
    async query<T>(text: string, values?: unknown[]) {
      if (values && values.length) return { rows: (await client.query<T>(text, values)).rows };
      const results = await client.exec(text);
      return { rows: (results.at(-1)?.rows ?? []) as T[] };
    },
    async listen(channel, handler) {
      // NOTIFY, and what this process's transactions hand over themselves (local-bus.ts).
      const unsubscribe = await client.listen(channel, handler);
      const stopLocal = bus.listen(channel, handler);
      return async () => {
        stopLocal();
        await unsubscribe();
      };
    },
    async migrate() {
      await migratePglite(drizzlePglite(client), { migrationsFolder });
    },
    dumpDataDir: () => client.dumpDataDir('none'),
    async close() {
      await stopMaintenance();
      await client.close();
      await releaseLock();
    },
  };
}

async function openPostgres(databaseUrl: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // A broken idle connection must not take the process down; the pool replaces it.
  pool.on('error', () => {});
  const bus = new LocalBus(
    async (channel, texts) => {
      await pool.query({
        name: 'local_bus_notify',
        text: 'SELECT pg_notify($1, t) FROM unnest($2::text[]) WITH ORDINALITY AS n(t, i) ORDER BY i',
        values: [channel, texts],
      });
    },
    // A note that could not be sent costs the other processes time, not events: they read what they missed when
    // the tenant's next event arrives or their next look at the counters (realtime/socket-server.ts) shows it.
    () => {},
  );
  const db = withCommitHooks(drizzlePg(pool, { schema }) as unknown as Db, bus);
  const listeners = new Set<pg.Client>();
  return {
    driver: 'postgres',
    db,
    async query<T>(text: string, values?: unknown[]) {
      // Parameterised statements (pg-boss's fetch, insert and complete, polled all the time) are prepared once
      // per connection; text without parameters may hold several statements and goes as it is.
      const result = values?.length
        ? await pool.query({ name: statementName(text), text, values })
        : await pool.query(text);
      return { rows: result.rows as T[] };
    },
    async listen(channel, handler) {
      // NOTIFY from every process, and what this process's transactions hand over themselves (local-bus.ts).
      const stopLocal = bus.listen(channel, handler);
      const client = new pg.Client({ connectionString: databaseUrl });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel !== channel) return;
        const payload = bus.heard(message.payload ?? '');
        if (payload !== undefined) handler(payload);
      });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      listeners.add(client);
      return async () => {
        stopLocal();
        listeners.delete(client);
        await client.end().catch(() => {});
      };
    },
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await migratePg(drizzlePg(pool), { migrationsFolder });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
        client.release();
      }
    },
    async close() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})));
      await pool.end();
    },
  };
}

/** Runs a raw query-layer statement and returns its rows; both drivers answer with `{ rows }`. */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * `queryRows` as a named prepared statement (`queryText`'s `prepareAs`, named after its text), for hot statements
 * whose planning costs more than running them. The same rules apply: only for statements whose generic plan is
 * the one every call wants. Timestamps come back as the driver parses them (a Date on PostgreSQL).
 */
export async function queryRowsPrepared<T>(db: Executor, query: SQL): Promise<T[]> {
  const { sql: text, params } = (db as unknown as { dialect: PgDialect }).dialect.sqlToQuery(query);
  return queryRawIn<T>(db, text, params);
}

/** What the query layer's `prepare` answers: a statement built once, run with values for its placeholders. */
interface BuiltStatement<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
}

/**
 * A statement built once by the query layer, with `sql.placeholder(name)` wherever a value changes, then run as a
 * named prepared statement in whichever connection or transaction it is given. For the hottest statements: the
 * query layer's building (walking the statement, aliasing a CTE's columns) cost more CPU than the round trip, and
 * planning afresh more than running. The statement is built per driver (PostgreSQL, PGlite) on first use; each
 * call runs it on the given executor's client, results mapped as the query layer maps them. A placeholder's value
 * goes through its column's encoder, which does not take null for timestamps: write constants into the statement.
 */
export function prebuilt<R>(
  name: string,
  build: (db: Executor) => { prepare(name: string): BuiltStatement<R> },
): (db: Executor, values: Record<string, unknown>) => Promise<R> {
  const byDriver = new Map<unknown, BuiltStatement<R>>();
  return (db, values) => {
    const session = (db as unknown as { session: { constructor: unknown; client: unknown } }).session;
    let statement = byDriver.get(session.constructor);
    if (!statement) {
      statement = build(db).prepare(name);
      byDriver.set(session.constructor, statement);
    }
    // The prepared statement runs on its `client`: the caller's connection or transaction, not the first one's.
    const bound = Object.create(statement) as BuiltStatement<R> & { client: unknown };
    bound.client = session.client;
    return bound.execute(values);
  };
}

interface RawClient {
  query(config: string | { name: string; text: string }, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Raw parameterised SQL (`$1…`) in the executor's connection or transaction. With `prepareAs`, a named prepared
 * statement on PostgreSQL: parsed once per connection and, after five runs, planned once (a generic plan). Only for
 * statements written so that their generic plan is the one every call wants whatever the statistics were when it
 * was made (reach rows by primary key, not by a tenant condition an index could lead with; docs/performance.md).
 * PGlite runs the text as it is.
 */
export async function queryText<T>(
  db: Executor,
  text: string,
  values: unknown[],
  options: { prepareAs?: string } = {},
): Promise<T[]> {
  const client = (db as unknown as { session: { client: RawClient } }).session.client;
  const name = client instanceof pg.Pool || client instanceof pg.Client ? options.prepareAs : undefined;
  const result = await client.query(name ? { name, text } : text, values);
  return result.rows as T[];
}

/** Raw SQL in the executor's connection or transaction, parameterised statements prepared (pg-boss's). */
export async function queryRawIn<T>(db: Executor, text: string, values: unknown[] = []): Promise<T[]> {
  return queryText<T>(db, text, values, values.length ? { prepareAs: statementName(text) } : {});
}

const statementNames = new Map<string, string>();

/**
 * A prepared statement's name from its text: the same text on any connection has the same name. Remembered by
 * text, since the hot statements come again with every message (a statement built with varying text, such as a
 * list of values, should not be prepared at all).
 */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `s${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    if (statementNames.size < 10_000) statementNames.set(text, name);
  }
  return name;
}

const commitHooks = new WeakMap<object, Array<() => void>>();
const finishers = new WeakMap<
  object,
  { first: Array<() => Promise<void>>; last: Array<() => Promise<void>> }
>();
const buses = new WeakMap<object, LocalBus>();

/**
 * Runs `finish` in the transaction `tx` once its work is done, just before it commits (in the order registered; a
 * finisher registered by another finisher runs too), or at once when `tx` is not a transaction opened by
 * `db.transaction`. For writes gathered over a transaction and made in one statement at its end, such as its
 * realtime events. With `last`, after every other finisher: for a statement that takes a lock held by every writer
 * in turn, held from there to the commit and so best taken when nothing else is left to do. A finisher that throws
 * rolls the transaction back.
 */
export async function beforeCommit(
  tx: Executor,
  finish: () => Promise<void>,
  options: { last?: boolean } = {},
): Promise<void> {
  const pending = finishers.get(tx);
  if (pending) (options.last ? pending.last : pending.first).push(finish);
  else await finish();
}

/**
 * The channels of this process that `tx`'s database hands notifications over on directly (see local-bus.ts), for a
 * transaction opened by `db.transaction`; undefined for anything else (the database itself, a savepoint).
 */
export function busOf(tx: Executor): LocalBus | undefined {
  return buses.get(tx);
}

const reads = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * `read`, once per transaction for each `key`: for reads of settings that the transaction does not change and that
 * each of the many events stored in one transaction would read again (a group's routing rules, its business hours).
 * Outside a transaction opened by `db.transaction`, read every time.
 */
export function oncePerTransaction<T>(tx: Executor, key: string, read: () => PromiseLike<T>): Promise<T> {
  if (!finishers.has(tx)) return Promise.resolve(read());
  let known = reads.get(tx);
  if (!known) reads.set(tx, (known = new Map()));
  let value = known.get(key) as Promise<T> | undefined;
  // A query builder is a thenable that runs its statement again on every `then`: settled once here.
  if (!value) known.set(key, (value = Promise.resolve(read())));
  return value;
}

/** Whether work registered with {@link beforeCommit} on `tx` waits for the transaction's end. */
export function isDeferring(tx: Executor): boolean {
  return finishers.has(tx);
}

/**
 * Runs `hook` once the transaction `tx` has committed (not at all if it rolls back); at once when `tx` is not a
 * transaction opened by `db.transaction` (the database itself, or a nested savepoint). For what must start from
 * committed rows, such as waking a job worker for a job just queued.
 */
export function afterCommit(tx: Executor, hook: () => void): void {
  const hooks = commitHooks.get(tx);
  if (hooks) hooks.push(hook);
  else hook();
}

/**
 * `db.transaction` that runs the finishers registered with {@link beforeCommit} before its commit and the hooks
 * registered with {@link afterCommit} after it, and whose events go to `bus` (see {@link busOf}).
 */
function withCommitHooks(db: Db, bus: LocalBus): Db {
  const transaction = db.transaction.bind(db);
  db.transaction = (async (run: (tx: Tx) => Promise<unknown>, config?: unknown) => {
    const hooks: Array<() => void> = [];
    const result = await transaction(async (tx) => {
      commitHooks.set(tx, hooks);
      const pending = { first: [] as Array<() => Promise<void>>, last: [] as Array<() => Promise<void>> };
      finishers.set(tx, pending);
      buses.set(tx, bus);
      const value = await run(tx);
      for (let next = pending.first.shift() ?? pending.last.shift(); next;) {
        await next();
        next = pending.first.shift() ?? pending.last.shift();
      }
      return value;
    }, config as never);
    runHooks(hooks);
    return result;
  }) as Db['transaction'];
  return db;
}

/** A hook that throws must not turn the caller's success into a failure, nor hide the failure it follows. */
function runHooks(hooks: Array<() => void>): void {
  for (const hook of hooks) {
    try {
      hook();
    } catch {
      // Hooks only hasten or tidy work that happens anyway (a worker's next poll).
    }
  }
}
