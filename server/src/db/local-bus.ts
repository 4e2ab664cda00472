import { randomUUID } from 'node:crypto';
import type { NotificationHandler } from './database.js';

/** What a process adds to the NOTIFY text it sends, so that it can tell its own notifications when they come back. */
interface Told {
  origin: string;
  said: unknown;
}

const TOLD_PREFIX = '{"origin":';

/**
 * A process's own channels: what its transactions hand to its listeners directly once they commit (no NOTIFY round
 * trip, no text to build and parse again), and on PostgreSQL a short note to the other processes on the same
 * database, sent after the commit as one NOTIFY for everything of one turn of the event loop. The note comes back
 * to this process too, which drops it: its listeners already have what it says. The embedded database has no other
 * processes to tell.
 */
export class LocalBus {
  readonly origin = randomUUID();
  private readonly listeners = new Map<string, Set<NotificationHandler>>();
  private readonly toTell = new Map<string, unknown[]>();
  private telling = false;

  constructor(
    /** Sends NOTIFY texts on a channel, in order, in one statement; none where no other process can listen. */
    private readonly notify: ((channel: string, texts: string[]) => Promise<void>) | undefined,
    private readonly onError: (error: unknown) => void,
  ) {}

  listen(channel: string, handler: NotificationHandler): () => void {
    const handlers = this.listeners.get(channel) ?? new Set<NotificationHandler>();
    this.listeners.set(channel, handlers);
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  /** Hands `payload`, as it is, to this process's listeners of `channel`, now. */
  emit(channel: string, payload: unknown): void {
    for (const handler of this.listeners.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        // A listener's failure is its own; the others still get theirs.
        this.onError(error);
      }
    }
  }

  /** Tells the other processes listening on `channel` what `said` says, soon (with the rest of this turn's). */
  tellOthers(channel: string, said: unknown): void {
    if (!this.notify) return;
    const list = this.toTell.get(channel) ?? [];
    this.toTell.set(channel, list);
    list.push(said);
    if (this.telling) return;
    this.telling = true;
    setImmediate(() => void this.tell());
  }

  /**
   * A NOTIFY's text as listeners take it: what another process told (see `tellOthers`), parsed; undefined for what
   * this process told itself; any other text as it is.
   */
  heard(text: string): unknown {
    if (!text.startsWith(TOLD_PREFIX)) return text;
    let told: Told;
    try {
      told = JSON.parse(text) as Told;
    } catch {
      // Not one of ours after all: the listener makes of it what it can.
      return text;
    }
    return told.origin === this.origin ? undefined : told.said;
  }

  private async tell(): Promise<void> {
    this.telling = false;
    const notify = this.notify;
    if (!notify) return;
    const batches = [...this.toTell];
    this.toTell.clear();
    for (const [channel, said] of batches) {
      try {
        await notify(
          channel,
          said.map((one) => JSON.stringify({ origin: this.origin, said: one } satisfies Told)),
        );
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
