/**
 * The event relays running in this process. A transaction that recorded events wakes them once it has committed,
 * and they number those events without first looking for them; events recorded by other processes are found by
 * the relays' polling.
 */
const relays = new Set<() => void>();

export function registerEventRelay(wake: () => void): () => void {
  relays.add(wake);
  return () => relays.delete(wake);
}

export function wakeEventRelays(): void {
  for (const wake of relays) wake();
}
