/**
 * The event relays running in this process. Recording an event wakes them so they look for it at short
 * intervals until its transaction commits; events recorded by other processes are found by the relays' polling.
 */
const relays = new Set<() => void>();

export function registerEventRelay(wake: () => void): () => void {
  relays.add(wake);
  return () => relays.delete(wake);
}

export function wakeEventRelays(): void {
  for (const wake of relays) wake();
}
