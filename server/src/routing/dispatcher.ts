import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { dispatchGroup } from './dispatch.js';
import { lockTenantRouting } from './routing-lock.js';

/**
 * Offers waiting sessions in a short transaction of its own, after the transaction that queued them committed.
 * Requests for one tenant coalesce: while a dispatch runs, every request that arrives waits for one more run
 * that covers all the groups asked for meanwhile, so a burst of first messages takes the tenant's routing lock a
 * few times instead of once per message, and never while its own message is being stored.
 *
 * Durable: a session queued by a process that dies before its dispatch is offered by the `dispatch-waiting`
 * sweep, by the next dispatch of its group, or when an operator of the group becomes free.
 */
export interface Dispatcher {
  /** Resolves when a dispatch of the group that started after this call has committed (or failed, logged). */
  request(tenantId: string, groupId: string): Promise<void>;
  /** Resolves when no dispatch is running or asked for: at shutdown, before the database closes. */
  settled(): Promise<void>;
}

/**
 * Under load, a tenant's dispatches start at most this often: the first messages stored meanwhile wait up to this
 * long for their offers and are offered by one run, instead of a routing transaction after each transaction that
 * stored some. An offer is that much later at worst; a session shows in its group's queue as soon as it is stored.
 */
const PACE_MS = 50;

interface TenantQueue {
  running: boolean;
  groups: Set<string>;
  waiters: Array<() => void>;
}

export function createDispatcher(
  deps: EngineDeps,
  logger: Pick<Logger, 'error'>,
  { paceMs = PACE_MS }: { paceMs?: number } = {},
): Dispatcher {
  const tenants = new Map<string, TenantQueue>();
  const running = new Set<Promise<void>>();
  /** When each tenant's last dispatch started, while it still holds the next one back. */
  const startedAt = new Map<string, number>();

  /** Forgets the starts that hold no dispatch back any more, so that the map keeps only tenants active just now. */
  function forgetPastStarts(): void {
    const before = Date.now() - paceMs;
    for (const [tenantId, at] of startedAt)
      if (at <= before && !tenants.has(tenantId)) startedAt.delete(tenantId);
  }

  async function run(tenantId: string, queue: TenantQueue): Promise<void> {
    queue.running = true;
    while (queue.groups.size > 0) {
      // Requests that arrive while this waits join this run.
      const wait = (startedAt.get(tenantId) ?? -Infinity) + paceMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      startedAt.set(tenantId, Date.now());
      const groups = [...queue.groups];
      const waiters = queue.waiters;
      queue.groups = new Set();
      queue.waiters = [];
      try {
        await deps.database.db.transaction(async (tx) => {
          await lockTenantRouting(tx, tenantId);
          for (const groupId of groups) await dispatchGroup(tx, deps, tenantId, groupId);
        });
      } catch (error) {
        // The sessions stay waiting; the sweep or the group's next dispatch offers them.
        logger.error({ err: error, tenantId, groups }, 'dispatch failed');
      }
      for (const done of waiters) done();
    }
    queue.running = false;
    tenants.delete(tenantId);
    forgetPastStarts();
  }

  return {
    request(tenantId, groupId) {
      let queue = tenants.get(tenantId);
      if (!queue) {
        queue = { running: false, groups: new Set(), waiters: [] };
        tenants.set(tenantId, queue);
      }
      queue.groups.add(groupId);
      const done = new Promise<void>((resolve) => queue.waiters.push(resolve));
      if (!queue.running) {
        queue.running = true;
        // After the continuations already queued: the first messages of one stored group each ask for their
        // dispatch as their transaction's answer reaches them, and one run covers them all.
        queueMicrotask(() => {
          const ran = run(tenantId, queue);
          running.add(ran);
          void ran.finally(() => running.delete(ran));
        });
      }
      return done;
    },
    async settled() {
      while (tenants.size > 0 || running.size > 0) {
        await Promise.all(running);
        // A run is started on a microtask after it is asked for.
        await nextTurn();
      }
    },
  };
}
