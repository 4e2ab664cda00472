import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventsCommitted, NotifiedEvent } from './record-event.js';

export interface EventFeed {
  /** Numbered events, handed over by this process's transactions or by the relay's NOTIFY, each tenant's in order. */
  numbered(events: NotifiedEvent[]): void;
  /** Another process committed a tenant's events up to a number: read what this process has not delivered yet. */
  committed(note: EventsCommitted): void;
  /**
   * Each tenant's last committed number (the counters): reads what this process has not delivered yet, which it
   * was never told of if the process that committed it died before telling, or its NOTIFY failed.
   */
  counted(counters: Map<string, number>): void;
  /** A passing signal, delivered in its turn. */
  ephemeral(event: NotifiedEvent): void;
  /** Resolves once everything handed over so far has been delivered. */
  drained(): Promise<void>;
}

/**
 * Delivers each tenant's events to this process's sockets once each, in the order of their numbers, whatever order
 * they arrive in. Numbers follow the commits (a transaction numbers its events with its tenant's counter locked
 * until it commits; record-event.ts), so once an event has arrived every lower number of its tenant is committed:
 * a gap is filled by reading the table, never by waiting. Events arrive out of order when two transactions' commits
 * are answered close together, or when another process's events are told of after this one's.
 */
export function createEventFeed(options: {
  /** The last number delivered, by tenant, when the feed starts (the counters then); 0 for a tenant not in it. */
  delivered: Map<string, number>;
  /** The tenant's stored events numbered after `after` up to `upTo`, in order. */
  read: (tenantId: string, after: number, upTo: number) => Promise<NotifiedEvent[]>;
  deliver: (event: NotifiedEvent) => Promise<void>;
  onError: (error: unknown) => void;
}): EventFeed {
  const { delivered, read, deliver } = options;
  let chain = Promise.resolve();

  function then(step: () => Promise<void>): void {
    chain = chain.then(step).catch(options.onError);
  }

  /** Delivers the tenant's stored events up to `upTo` that this process has not delivered yet. */
  async function catchUp(tenantId: string, upTo: number): Promise<void> {
    const last = delivered.get(tenantId) ?? 0;
    if (upTo <= last) return;
    for (const event of await read(tenantId, last, upTo)) await deliverInTurn(event);
    // Whatever the table no longer holds (events past their retention) is not waited for.
    if ((delivered.get(tenantId) ?? 0) < upTo) delivered.set(tenantId, upTo);
  }

  async function deliverInTurn(event: NotifiedEvent): Promise<void> {
    const last = delivered.get(event.tenantId) ?? 0;
    if (event.seq <= last) return;
    if (event.seq > last + 1) await catchUp(event.tenantId, event.seq - 1);
    delivered.set(event.tenantId, event.seq);
    await deliver(event);
  }

  return {
    numbered(events) {
      // Not before the next turn of the event loop: the transaction that handed these over has just committed, and
      // the answers waiting for it (a group of webhooks, an operator's send) go out first. Encoding and writing a
      // group's events to every operator's socket takes longer than those answers, and they waited on it.
      const turn = nextTurn();
      then(async () => {
        await turn;
        for (const event of events) await deliverInTurn(event);
      });
    },
    committed(note) {
      then(() => catchUp(note.tenantId, note.upTo));
    },
    counted(counters) {
      for (const [tenantId, upTo] of counters)
        if (upTo > (delivered.get(tenantId) ?? 0)) then(() => catchUp(tenantId, upTo));
    },
    ephemeral(event) {
      then(() => deliver(event));
    },
    async drained() {
      for (let seen = chain; ; seen = chain) {
        await seen;
        if (seen === chain) return;
      }
    },
  };
}
