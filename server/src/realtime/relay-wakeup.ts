/**
 * The event relays running in this process. Events written without a number (in a savepoint or outside a
 * transaction) wake them, and they number them without first looking for them; such events of other
 * processes are found by the relays' polling.
 */
const relays = new Set<() => void>();

export function registerEventRelay(wake: () => void): () => void {
  relays.add(wake);
  return () => relays.delete(wake);
}

export function wakeEventRelays(): void {
  for (const wake of relays) wake();
}
