/** How big and how long each phase is. `full` is the measurement; `quick` and `smoke` are scaled down. */
export interface Mode {
  name: 'full' | 'quick' | 'smoke';
  /** Requests outstanding against the app and the floor in the saturating phases. */
  concurrency: number;
  warmupMs: number;
  inboundMs: number;
  floorMs: number;
  /** The fixed rate of the latency phase, lowered to 80 % of the saturated rate when the app cannot take it. */
  steadyRate: number;
  /** Set by `--rate`: the latency phase runs at `steadyRate` even when the saturated rate was lower. */
  steadyRateGiven?: boolean;
  steadyMs: number;
  /** A saturated phase of returning customers only (no routing), to tell the two paths' limits apart. */
  returningMs: number;
  /** How long to wait for operators to see answered messages (and the sandbox to get sent ones). */
  graceMs: number;
  inboundOperators: number;
  outboundOperators: number;
  outboundSessions: number;
  outboundPerOperator: number;
  outboundMs: number;
  /** How long operators have to accept the outbound sessions before the phase runs on those accepted. */
  outboundOpenMs: number;
  scaleSessions: number;
  scaleOperators: number;
  scaleTopUpLimitMs: number;
  scaleBurstRate: number;
  scaleBurstMs: number;
  pgliteOperators: number;
  pgliteMs: number;
}

export const modes: Record<Mode['name'], Mode> = {
  full: {
    name: 'full',
    concurrency: 64,
    warmupMs: 3_000,
    inboundMs: 20_000,
    floorMs: 10_000,
    steadyRate: 1_000,
    steadyMs: 15_000,
    returningMs: 10_000,
    graceMs: 10_000,
    inboundOperators: 20,
    outboundOperators: 20,
    outboundSessions: 200,
    outboundPerOperator: 4,
    outboundMs: 15_000,
    outboundOpenMs: 60_000,
    scaleSessions: 10_000,
    scaleOperators: 1_000,
    scaleTopUpLimitMs: 120_000,
    // Each message reaches every one of the 1,000 sockets, all decoded by this one process: keep it light.
    scaleBurstRate: 10,
    scaleBurstMs: 10_000,
    pgliteOperators: 5,
    pgliteMs: 15_000,
  },
  quick: {
    name: 'quick',
    concurrency: 32,
    warmupMs: 1_000,
    inboundMs: 4_000,
    floorMs: 3_000,
    steadyRate: 1_000,
    steadyMs: 3_000,
    returningMs: 2_000,
    graceMs: 4_000,
    inboundOperators: 10,
    outboundOperators: 8,
    outboundSessions: 40,
    outboundPerOperator: 4,
    outboundMs: 3_000,
    outboundOpenMs: 10_000,
    scaleSessions: 600,
    scaleOperators: 100,
    scaleTopUpLimitMs: 4_000,
    scaleBurstRate: 20,
    scaleBurstMs: 2_000,
    pgliteOperators: 3,
    pgliteMs: 3_000,
  },
  smoke: {
    name: 'smoke',
    concurrency: 16,
    warmupMs: 300,
    inboundMs: 1_500,
    floorMs: 1_000,
    steadyRate: 1_000,
    steadyMs: 1_500,
    returningMs: 1_000,
    graceMs: 2_000,
    inboundOperators: 3,
    outboundOperators: 2,
    outboundSessions: 4,
    outboundPerOperator: 2,
    outboundMs: 1_500,
    outboundOpenMs: 8_000,
    scaleSessions: 150,
    scaleOperators: 20,
    scaleTopUpLimitMs: 3_000,
    scaleBurstRate: 10,
    scaleBurstMs: 1_000,
    pgliteOperators: 2,
    pgliteMs: 1_500,
  },
};

/**
 * `--quick`, `--smoke`, or the full run; `--rate N` runs the latency phase at N msg/s whatever the saturated rate
 * was, to draw the latency at several loads (the targets are for 1,000 msg/s, which a slow machine cannot take).
 */
export function modeFromArgs(args: string[]): Mode {
  const mode = args.includes('--smoke') ? modes.smoke : args.includes('--quick') ? modes.quick : modes.full;
  const at = args.indexOf('--rate');
  if (at < 0) return mode;
  const rate = Number(args[at + 1]);
  if (!Number.isInteger(rate) || rate < 1 || rate > 100_000)
    throw new Error(
      `--rate takes a whole number of messages a second, from 1 to 100000 (got "${args[at + 1] ?? ''}")`,
    );
  return { ...mode, steadyRate: rate, steadyRateGiven: true };
}
