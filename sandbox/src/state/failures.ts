import type { Product } from '../graph/graph-error.js';

/** A forced failure for the next sends. */
export interface ForcedFailure {
  product: Product;
  code: number;
  /** `sync` answers with the error; `async` accepts the send then reports a failed status (WhatsApp only). */
  mode: 'sync' | 'async';
  /** Only sends to this recipient (wa_id, phone, BSUID or PSID) consume it. */
  recipient?: string;
  httpStatus?: number;
  details?: string;
  remaining: number;
}

export type FailNextInput = Omit<ForcedFailure, 'remaining' | 'mode'> & {
  mode?: 'sync' | 'async';
  count?: number;
};

/** The queue of forced failures consumed by sends, oldest first. */
export class FailureQueue {
  private readonly queue: ForcedFailure[] = [];

  push(input: FailNextInput): void {
    const { count, mode, ...rest } = input;
    this.queue.push({ ...rest, mode: mode ?? 'sync', remaining: Math.max(1, count ?? 1) });
  }

  /** Takes one failure matching this send, if any is queued. */
  take(product: Product, recipients: (string | undefined)[]): ForcedFailure | undefined {
    const index = this.queue.findIndex(
      (f) => f.product === product && (f.recipient === undefined || recipients.includes(f.recipient)),
    );
    if (index < 0) return undefined;
    const failure = this.queue[index]!;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.queue.splice(index, 1);
    return failure;
  }

  clear(): void {
    this.queue.length = 0;
  }

  pending(): readonly ForcedFailure[] {
    return this.queue;
  }
}
