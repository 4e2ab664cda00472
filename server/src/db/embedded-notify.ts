import type { PGlite, Transaction } from '@electric-sql/pglite';
import {
  afterCommit,
  afterRollback,
  isDeferring,
  type Executor,
  type NotificationHandler,
} from './database.js';

/*
 * Notifications on the embedded database that this process announces to itself. PGlite is one connection in this
 * process and runs one transaction at a time, so a transaction can give its rows their final order (realtime
 * events their sequence numbers) as it writes them, and hand them to this process's listeners once it commits:
 * no NOTIFY, no second statement to number them, no relay looking for them.
 */

interface Announcement {
  channel: string;
  payloads: unknown[];
  state: 'open' | 'committed' | 'rolled back';
}

interface LocalChannels {
  listeners: Map<string, Set<NotificationHandler>>;
  /** In the order their transactions wrote them; the first still open holds back those after it. */
  queue: Announcement[];
}

/** The embedded database's channels, by its client and by each transaction it opens. */
const channelsOf = new WeakMap<PGlite | Transaction, LocalChannels>();

/**
 * Lets `client`'s transactions announce to this process's listeners (see `announceAfterCommit`); answers how to
 * listen. Every transaction the client opens from now on is known as the client's.
 */
export function announceLocally(client: PGlite): {
  listen(channel: string, handler: NotificationHandler): () => void;
} {
  const channels: LocalChannels = { listeners: new Map(), queue: [] };
  channelsOf.set(client, channels);
  const transaction = client.transaction.bind(client);
  client.transaction = (<T>(callback: (tx: Transaction) => Promise<T>) =>
    transaction((tx) => {
      channelsOf.set(tx, channels);
      return callback(tx);
    })) as PGlite['transaction'];
  return {
    listen(channel, handler) {
      const handlers = channels.listeners.get(channel) ?? new Set<NotificationHandler>();
      channels.listeners.set(channel, handlers);
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}

function channelsIn(tx: Executor): LocalChannels | undefined {
  const client = (tx as unknown as { session: { client: PGlite | Transaction } }).session.client;
  return channelsOf.get(client);
}

/**
 * Whether `tx` is a transaction of the embedded database opened by `db.transaction` (not a savepoint inside one,
 * not a bare statement): only there does `announceAfterCommit` apply.
 */
export function canAnnounceLocally(tx: Executor): boolean {
  return isDeferring(tx) && channelsIn(tx) !== undefined;
}

/**
 * Announces `payloads` on `channel` to this process's listeners once `tx` commits, and never if it rolls back (see
 * `canAnnounceLocally`). Announcements reach listeners in the order they were made, which on the embedded
 * database is the order of the commits: one made by a later transaction waits for an earlier transaction's
 * commit hooks, should they run after its own.
 */
export function announceAfterCommit(tx: Executor, channel: string, payloads: unknown[]): void {
  const channels = channelsIn(tx);
  if (!channels || !isDeferring(tx)) throw new Error('announceAfterCommit needs an embedded transaction');
  const announcement: Announcement = { channel, payloads, state: 'open' };
  channels.queue.push(announcement);
  afterCommit(tx, () => {
    announcement.state = 'committed';
    deliver(channels);
  });
  afterRollback(tx, () => {
    announcement.state = 'rolled back';
    deliver(channels);
  });
}

function deliver(channels: LocalChannels): void {
  while (channels.queue.length > 0 && channels.queue[0]!.state !== 'open') {
    const { channel, payloads, state } = channels.queue.shift()!;
    if (state !== 'committed') continue;
    for (const handler of channels.listeners.get(channel) ?? [])
      for (const payload of payloads) {
        try {
          handler(payload);
        } catch {
          // A listener's failure is its own; the others and later announcements still get theirs.
        }
      }
  }
}
