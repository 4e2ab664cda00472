import { afterCommit, beforeCommit, busOf, isDeferring, queryText, type Executor } from '../db/database.js';
import type { EventEnvelope, ServerEventMap, ServerEventName } from './event-map.js';
import { wakeEventRelays } from './relay-wakeup.js';

export const EVENTS_CHANNEL = 'switchboard_events';

export interface NotifiedEvent {
  tenantId: string;
  rooms: string[];
  /** Absent when the event was too large to travel inline. */
  envelope?: EventEnvelope;
  seq: number;
  /** A passing signal with no sequence number (typing). */
  ephemeral?: { name: string; payload: unknown };
}

/**
 * What a PostgreSQL process tells the others once a transaction that numbered its events has committed: the
 * tenant's events up to `upTo` are there to be read (its own listeners had them handed over).
 */
export interface EventsCommitted {
  tenantId: string;
  upTo: number;
}

type AnyEvent = {
  [N in ServerEventName]: { name: N; rooms: string[]; payload: ServerEventMap[N] };
}[ServerEventName];

/**
 * Events whose payload is a view of something read once the transaction's work is done: `load` reads the views
 * of every such entry of the transaction in one statement (entries with the same `load` and tenant share it), and
 * `build` makes the entry's events from its view. An entry whose view is gone records nothing.
 */
export interface EventsOfView<V> {
  id: string;
  load: (tx: Executor, tenantId: string, ids: string[]) => Promise<Map<string, V>>;
  build: (view: V) => AnyEvent[];
}

type Entry =
  | { tenantId: string; at: string; event: AnyEvent }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- entries of different views side by side
  | { tenantId: string; at: string; ofView: EventsOfView<any> };

const pendingOf = new WeakMap<Executor, Entry[]>();

/**
 * Records an event in the caller's transaction. In a transaction opened by `db.transaction`, the events are
 * written together, in one statement, when its work is done and after everything else it writes (`beforeCommit`,
 * last), and numbered as they are written: that statement moves the tenant's counter on, and the counter's row
 * stays locked until the commit, so numbers follow the commits and have no gaps. Other writers of the tenant wait
 * for that row only from their own last statement to their commit. Once the transaction commits, this process's
 * sockets get the events handed over, and the other processes are told to read them (db/local-bus.ts); nothing is
 * announced for work that rolled back. Events recorded in a savepoint or outside a transaction are written without
 * a number, at once, and the relay numbers and announces them (event-relay.ts).
 */
export async function recordEvent<N extends ServerEventName>(
  tx: Executor,
  tenantId: string,
  name: N,
  targetRooms: string[],
  payload: ServerEventMap[N],
): Promise<void> {
  await record(tx, [
    { tenantId, at: new Date().toISOString(), event: { name, rooms: targetRooms, payload } as AnyEvent },
  ]);
}

/** Records several events of one tenant, in the given order (see `recordEvent`). */
export async function recordEvents(tx: Executor, tenantId: string, events: AnyEvent[]): Promise<void> {
  const at = new Date().toISOString();
  await record(
    tx,
    events.map((event) => ({ tenantId, at, event })),
  );
}

/**
 * Records events made from a view read at the end of the transaction (see `EventsOfView`), in their place among
 * the transaction's other events. Messages that arrive together share one read of their sessions' views.
 */
export async function recordEventsOfView<V>(
  tx: Executor,
  tenantId: string,
  ofView: EventsOfView<V>,
): Promise<void> {
  await record(tx, [{ tenantId, at: new Date().toISOString(), ofView }]);
}

async function record(tx: Executor, entries: Entry[]): Promise<void> {
  if (entries.length === 0) return;
  const pending = pendingOf.get(tx);
  if (pending) {
    pending.push(...entries);
    return;
  }
  if (!isDeferring(tx)) return writeEntries(tx, entries);
  pendingOf.set(tx, [...entries]);
  await beforeCommit(
    tx,
    async () => {
      const all = pendingOf.get(tx)!;
      pendingOf.delete(tx);
      await writeEntries(tx, all);
    },
    { last: true },
  );
}

// One row per event from one JSON array; a function scan yields them, and takes their serial ids, in array order,
// which is the order the relay numbers them in.
const INSERT_EVENTS = `
  INSERT INTO realtime_events (tenant_id, name, rooms, payload, created_at)
  SELECT e.tenant_id, e.name, ARRAY(SELECT jsonb_array_elements_text(e.rooms)), e.payload, e.created_at
  FROM jsonb_to_recordset($1::jsonb) AS e(tenant_id uuid, name text, rooms jsonb, payload jsonb, created_at timestamptz)`;

/**
 * Two query parts that move each tenant's counter on by its events in `source` (rows with a `tenant_id`): `counts`
 * (tenant_id, n) and `bumped` (tenant_id, last_seq, the counter after the move). The events of a tenant then take
 * the numbers `last_seq - n + 1` to `last_seq`. Shared by the relay and the embedded database's insert.
 */
export function countersMovedOn(source: string): string {
  return `counts AS (SELECT tenant_id, count(*) AS n FROM ${source} GROUP BY tenant_id),
  bumped AS (
    INSERT INTO tenant_event_counters AS c (tenant_id, last_seq)
    SELECT tenant_id, n FROM counts ORDER BY tenant_id
    ON CONFLICT (tenant_id) DO UPDATE SET last_seq = c.last_seq + EXCLUDED.last_seq
    RETURNING c.tenant_id, c.last_seq
  )`;
}

// The same, numbered as they are written: each tenant's counter moves on by its events, which take the numbers
// after its last one in array order. Their ids, taken in that order too, tie each number to its event. The
// counters' rows are locked in the tenants' order, so two transactions with events of the same tenants wait for
// each other rather than each holding what the other needs.
const INSERT_NUMBERED_EVENTS = `
  WITH e AS (
    SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
      AS (tenant_id uuid, name text, rooms jsonb, payload jsonb, created_at timestamptz)) WITH ORDINALITY
      AS e(tenant_id, name, rooms, payload, created_at, ord)
  ),
  ${countersMovedOn('e')}
  INSERT INTO realtime_events (tenant_id, seq, name, rooms, payload, created_at)
  SELECT e.tenant_id, b.last_seq - k.n + row_number() OVER (PARTITION BY e.tenant_id ORDER BY e.ord),
         e.name, ARRAY(SELECT jsonb_array_elements_text(e.rooms)), e.payload, e.created_at
  FROM e JOIN bumped b USING (tenant_id) JOIN counts k USING (tenant_id)
  ORDER BY e.ord
  RETURNING id, seq`;

/** A stored event with its number, as the relay and the embedded path read it. */
export interface NumberedEvent {
  tenant_id: string;
  seq: string | number;
  name: string;
  rooms: string[];
  payload: unknown;
  created_at: string | Date;
}

async function writeEntries(tx: Executor, entries: Entry[]): Promise<void> {
  const views = await loadViews(tx, entries);
  const rows: Array<Omit<NumberedEvent, 'seq'> & { created_at: string }> = [];
  for (const entry of entries) {
    const events =
      'event' in entry
        ? [entry.event]
        : ((view) => (view === undefined ? [] : entry.ofView.build(view)))(
            views.get(entry.ofView.load)?.get(entry.tenantId)?.get(entry.ofView.id),
          );
    for (const event of events)
      rows.push({
        tenant_id: entry.tenantId,
        name: event.name,
        rooms: event.rooms,
        payload: event.payload,
        created_at: entry.at,
      });
  }
  if (rows.length === 0) return;
  const bus = busOf(tx);
  if (bus) {
    const events = await insertNumbered(tx, rows);
    // Handed over as they are: no NOTIFY text to build and parse again, and no size limit.
    afterCommit(tx, () => {
      bus.emit(EVENTS_CHANNEL, events);
      const upTo = new Map<string, number>();
      for (const event of events) upTo.set(event.tenantId, event.seq);
      for (const [tenantId, seq] of upTo)
        bus.tellOthers(EVENTS_CHANNEL, { tenantId, upTo: seq } satisfies EventsCommitted);
    });
    return;
  }
  await queryText(tx, INSERT_EVENTS, [JSON.stringify(rows)], { prepareAs: 'insert_realtime_events' });
  afterCommit(tx, wakeEventRelays);
}

async function insertNumbered(
  tx: Executor,
  rows: Array<Omit<NumberedEvent, 'seq'> & { created_at: string }>,
): Promise<NotifiedEvent[]> {
  const numbered = await queryText<{ id: string | number; seq: string | number }>(
    tx,
    INSERT_NUMBERED_EVENTS,
    [JSON.stringify(rows)],
    { prepareAs: 'insert_numbered_events' },
  );
  numbered.sort((a, b) => Number(a.id) - Number(b.id));
  return rows.map((row, i) => notifiedEvent({ ...row, seq: numbered[i]!.seq }));
}

/** The event as sockets receive it, from its stored row. */
export function notifiedEvent(row: NumberedEvent): NotifiedEvent {
  const envelope = envelopeOf(row);
  return { tenantId: row.tenant_id, rooms: row.rooms, seq: envelope.seq, envelope };
}

/** What a socket receives of a stored event. */
export function envelopeOf(
  row: Pick<NumberedEvent, 'seq' | 'name' | 'payload' | 'created_at'>,
): EventEnvelope {
  return {
    seq: Number(row.seq),
    name: row.name,
    payload: row.payload,
    at: new Date(row.created_at).toISOString(),
  } as EventEnvelope;
}

/** The views the entries need: one read per kind of view and tenant. */
async function loadViews(tx: Executor, entries: Entry[]) {
  const wanted = new Map<EventsOfView<unknown>['load'], Map<string, Set<string>>>();
  for (const entry of entries) {
    if (!('ofView' in entry)) continue;
    const byTenant = wanted.get(entry.ofView.load) ?? new Map<string, Set<string>>();
    wanted.set(entry.ofView.load, byTenant);
    const ids = byTenant.get(entry.tenantId) ?? new Set<string>();
    byTenant.set(entry.tenantId, ids);
    ids.add(entry.ofView.id);
  }
  const views = new Map<EventsOfView<unknown>['load'], Map<string, Map<string, unknown>>>();
  for (const [load, byTenant] of wanted) {
    const loaded = new Map<string, Map<string, unknown>>();
    views.set(load, loaded);
    for (const [tenantId, ids] of byTenant) loaded.set(tenantId, await load(tx, tenantId, [...ids]));
  }
  return views;
}
