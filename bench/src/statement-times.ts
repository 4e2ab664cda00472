import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One statement's share of PGlite's time, as `statement-times-preload.mjs` writes it. */
export interface StatementTime {
  text: string;
  calls: number;
  ms: number;
  /** Bytes of the wire protocol's messages: to the database (statement, parameters) and back (rows). */
  sent: number;
  received: number;
}

/** The statement times the PGlite app wrote into `dir` when it exited, most time first. */
export function readStatementTimes(dir: string): StatementTime[] {
  const files = readdirSync(dir).filter((file) => /^statements-\d+\.json$/.test(file));
  const times = new Map<string, StatementTime>();
  for (const file of files) {
    for (const entry of JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as StatementTime[]) {
      const known = times.get(entry.text);
      if (known) {
        known.calls += entry.calls;
        known.ms += entry.ms;
        known.sent += entry.sent;
        known.received += entry.received;
      } else times.set(entry.text, { ...entry });
    }
  }
  return [...times.values()].sort((a, b) => b.ms - a.ms);
}

/** The statements that took most of PGlite's time in the saturated phase, per call and per message delivered. */
export function statementTimesTable(times: StatementTime[], delivered: number, top = 15): string {
  const total = times.reduce((sum, time) => sum + time.ms, 0);
  const fixed = (value: number, digits: number, width: number) => value.toFixed(digits).padStart(width);
  return [
    `PGlite time by statement, saturated phase: ${total.toFixed(0)} ms in ${times.length} statements` +
      ` (${(total / Math.max(delivered, 1)).toFixed(3)} ms per message delivered)`,
    '       ms   calls  ms/call  ms/msg  kB/call in, out  statement',
    ...times
      .slice(0, top)
      .map(
        (time) =>
          `  ${fixed(time.ms, 0, 7)} ${String(time.calls).padStart(7)} ${fixed(time.ms / Math.max(time.calls, 1), 3, 8)}` +
          ` ${fixed(time.ms / Math.max(delivered, 1), 3, 7)}` +
          `  ${fixed(time.sent / 1024 / Math.max(time.calls, 1), 1, 6)} ${fixed(time.received / 1024 / Math.max(time.calls, 1), 1, 6)}` +
          `  ${time.text.slice(0, 100)}`,
      ),
  ].join('\n');
}
