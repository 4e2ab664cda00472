/** A clock the sandbox reads for windows, media expiry and rate buckets; tests move it instead of sleeping. */
export interface SandboxClock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
}

export interface ClockOptions {
  /** Epoch ms to start from; defaults to the real time. */
  startAt?: number;
  /** When true the clock only moves through `advance`; otherwise it follows real time plus the advances. */
  frozen?: boolean;
}

/** Creates a controllable clock: real time plus an offset by default, or a frozen one for tests. */
export function createClock(options: ClockOptions = {}): SandboxClock {
  const realStart = Date.now();
  const start = options.startAt ?? realStart;
  let offset = 0;
  return {
    now: () => (options.frozen ? start + offset : start + (Date.now() - realStart) + offset),
    advance: (ms: number) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
      offset += ms;
    },
  };
}
