/** A message typed in the widget that the server has not confirmed yet. */
export interface Outgoing {
  clientMessageId: string;
  text: string;
  pageUrl?: string;
}

/** What the widget keeps between page loads, per widget key. */
export interface Saved {
  token?: string;
  /** The last realtime sequence number handled: the server replays what came after it. */
  lastSeq?: number;
  open?: boolean;
  outbox?: Outgoing[];
}

/**
 * localStorage under one entry per key. Storage can be missing or full (private modes, quotas): the widget then
 * keeps working for this page load from memory.
 */
export function createStorage(key: string) {
  const name = `switchboard-widget:${key}`;
  let memory: Saved = {};
  try {
    memory = JSON.parse(localStorage.getItem(name) ?? '{}') as Saved;
  } catch {
    memory = {};
  }
  return {
    get: (): Saved => memory,
    update(patch: Partial<Saved>) {
      memory = { ...memory, ...patch };
      try {
        localStorage.setItem(name, JSON.stringify(memory));
      } catch {
        // Memory only.
      }
    },
  };
}

/** An id the server accepts as `clientMessageId` (letters, digits, - and _), from a source that works over http too. */
export function newClientMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `w-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The page the customer is on, when the server can accept it as a URL. */
export function currentPageUrl(): string | undefined {
  const href = location.href;
  return /^https?:/.test(href) && href.length <= 2000 ? href : undefined;
}
