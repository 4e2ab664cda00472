/**
 * Backoff after Meta's rate limits, per process: 130429 holds the whole number, 131056 only one recipient, so
 * the others keep flowing. A held send fails as retryable at once, without calling Meta; the outbox retries it.
 */
const heldUntil = new Map<string, number>();

const numberKey = (channelAccountId: string) => channelAccountId;
const pairKey = (channelAccountId: string, recipient: string) => `${channelAccountId}:${recipient}`;

export function holdNumber(channelAccountId: string, ms: number): void {
  heldUntil.set(numberKey(channelAccountId), Date.now() + ms);
}

export function holdRecipient(channelAccountId: string, recipient: string, ms: number): void {
  heldUntil.set(pairKey(channelAccountId, recipient), Date.now() + ms);
}

/** How long sends from this number to this recipient must still wait (0: go). */
export function waitBeforeSend(channelAccountId: string, recipient: string): number {
  const now = Date.now();
  const until = Math.max(
    heldUntil.get(numberKey(channelAccountId)) ?? 0,
    heldUntil.get(pairKey(channelAccountId, recipient)) ?? 0,
  );
  return Math.max(0, until - now);
}
