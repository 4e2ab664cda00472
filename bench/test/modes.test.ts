import { describe, expect, it } from 'vitest';
import { modeFromArgs, modes } from '../src/modes.js';

describe('the bench modes from the command line', () => {
  it('fixes the latency phase at --rate, in any mode, and otherwise keeps the mode as it is', () => {
    expect(modeFromArgs(['--quick', '--rate', '500'])).toEqual({
      ...modes.quick,
      steadyRate: 500,
      steadyRateGiven: true,
    });
    expect(modeFromArgs(['--rate', '2000']).steadyRate).toBe(2000);
    expect(modeFromArgs(['--smoke'])).toBe(modes.smoke);
    expect(modeFromArgs([]).steadyRateGiven).toBeUndefined();
  });

  it('refuses a rate that is not a whole number of messages a second', () => {
    for (const args of [['--rate'], ['--rate', 'abc'], ['--rate', '0'], ['--rate', '12.5'], ['--rate', '-3']])
      expect(() => modeFromArgs(args), args.join(' ')).toThrow(/--rate takes a whole number/);
  });
});
