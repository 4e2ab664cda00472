// Loaded into the PGlite app process with NODE_OPTIONS="--import …" when the bench runs with --statement-times:
// adds up the time PGlite spends in each statement, and the bytes sent to it and received (the wire protocol's
// messages, which PGlite's JavaScript builds and parses), as pg_stat_statements does on PostgreSQL, and writes it to
// BENCH_STATEMENT_TIMES_DIR/statements-<pid>.json when the process exits. SIGWINCH starts the count afresh, so the
// bench counts its measured phase only (the app shuts down on SIGUSR2, as close-with-grace has it; SIGWINCH is
// ignored by default and means nothing to a process without a terminal). Every call into the database goes
// through `execProtocolRaw` with the wire protocol's frontend messages; the statement is named by its Parse
// message, or by the prepared statement its Bind message names.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const dir = process.env.BENCH_STATEMENT_TIMES_DIR;
if (dir) {
  /** @type {Map<string, { calls: number; ms: number; sent: number; received: number }>} */
  let times = new Map();
  /**
   * Prepared statements' texts by name, on one line; '' is the unnamed statement PGlite's own query parses last.
   */
  const texts = new Map();
  const decoder = new TextDecoder();
  const oneLine = (text) => text.replace(/\s+/g, ' ').trim();

  /** The zero-terminated string at `offset`, and where the next one starts. */
  const cString = (bytes, offset) => {
    const end = bytes.indexOf(0, offset);
    return [decoder.decode(bytes.subarray(offset, end)), end + 1];
  };

  /** The statement of the last call: PGlite's own query describes, executes and syncs in calls of their own. */
  let last = '(start-up)';

  /**
   * The statement a batch of frontend messages is about (from a Parse, Bind or simple Query message), and whether
   * it runs it (Bind or Query: once per run); no statement for a call that only describes or syncs the last one.
   */
  const statementOf = (bytes) => {
    let parsed;
    for (let at = 0; at + 5 <= bytes.length;) {
      const type = bytes[at];
      const length = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getInt32(0);
      if (type === 0x50 /* P */) {
        const [name, next] = cString(bytes, at + 5);
        parsed = oneLine(cString(bytes, next)[0]);
        texts.set(name, parsed);
      }
      if (type === 0x42 /* B */) {
        const [, next] = cString(bytes, at + 5);
        return { text: texts.get(cString(bytes, next)[0]), runs: true };
      }
      if (type === 0x51 /* Q */) return { text: oneLine(cString(bytes, at + 5)[0]), runs: true };
      at += 1 + length;
    }
    return { text: parsed, runs: false };
  };

  const own = PGlite.prototype.execProtocolRaw;
  PGlite.prototype.execProtocolRaw = async function (message, options) {
    const { text, runs } = statementOf(message);
    if (text !== undefined) last = text;
    const key = last; // this call's statement, as it was before the await
    const started = performance.now();
    let answer;
    try {
      answer = await own.call(this, message, options);
      return answer;
    } finally {
      const entry = times.get(key) ?? { calls: 0, ms: 0, sent: 0, received: 0 };
      if (runs) entry.calls += 1;
      entry.ms += performance.now() - started;
      entry.sent += message.length;
      entry.received += answer?.length ?? 0;
      times.set(key, entry);
    }
  };

  process.on('SIGWINCH', () => {
    times = new Map();
  });
  process.once('exit', () => {
    mkdirSync(dir, { recursive: true });
    const statements = [...times].map(([text, entry]) => ({ text, ...entry }));
    writeFileSync(path.join(dir, `statements-${process.pid}.json`), JSON.stringify(statements));
  });
}
