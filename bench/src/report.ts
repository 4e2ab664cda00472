import type { AppSide } from './app-metrics.js';
import type { HotFunction } from './cpu-profile.js';
import type { InboundPhase } from './inbound.js';
import type { PhaseProfile, StatementUse } from './profile.js';
import type { Mode } from './modes.js';
import type { PostgresResults } from './run-postgres.js';

/** The last line of every run: one JSON object with exactly these keys. */
export interface Summary {
  inbound_msgs_per_s: number;
  floor_req_per_s: number;
  inbound_ratio: number;
  webhook_p50_ms: number;
  webhook_p99_ms: number;
  webhook_to_operator_p99_ms: number;
  outbound_msgs_per_s: number;
  outbound_p99_ms: number;
  rss_mib_10k_sessions_1k_operators: number;
  pglite_inbound_msgs_per_s: number;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const num = (value: number, digits = 1) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';

export function summarize(pg: PostgresResults, pglite: InboundPhase): Summary {
  return {
    inbound_msgs_per_s: round(pg.inbound.msgsPerS),
    floor_req_per_s: round(pg.floor.reqPerS),
    inbound_ratio: round(pg.inbound.msgsPerS / pg.floor.reqPerS, 4),
    webhook_p50_ms: round(pg.steady.webhook.percentile(50), 2),
    webhook_p99_ms: round(pg.steady.webhook.percentile(99), 2),
    webhook_to_operator_p99_ms: round(pg.steady.toOperator.percentile(99), 2),
    outbound_msgs_per_s: round(pg.outbound.msgsPerS),
    outbound_p99_ms: round(pg.outbound.toGraph.percentile(99), 2),
    rss_mib_10k_sessions_1k_operators: round(pg.scale.rssPeakMiB),
    pglite_inbound_msgs_per_s: round(pglite.msgsPerS),
  };
}

/**
 * Statements per message, the twelve that took the most time, and then the six called most often of the rest, with
 * their calls and execution time per message, when pg_stat_statements was there to count them. Every call is a
 * round trip, which costs both sides more than most statements take to run: the most called show what batches
 * badly (transactions of one message each, a poll that runs too often).
 */
export function statementRows(
  statements: Map<string, StatementUse> | undefined,
  perItems: number,
): string[][] {
  if (!statements) return [];
  const total = [...statements.values()].reduce((sum, use) => sum + use.calls, 0);
  const row = ([query, use]: [string, StatementUse]) => [
    '',
    `${num(use.calls / perItems, 2)} calls, ${num(use.ms / perItems, 3)} ms`,
    query,
  ];
  const byTime = [...statements].sort((a, b) => b[1].ms - a[1].ms);
  const byCalls = byTime.slice(12).sort((a, b) => b[1].calls - a[1].calls);
  return [
    [
      '  statements per message',
      num(total / perItems, 1),
      "pg_stat_statements: the whole database (the bench's own reads included); most time first, calls and ms per message:",
    ],
    ...byTime.slice(0, 12).map(row),
    ...(byCalls.length > 0
      ? [['', '', 'of the rest, the most called:'], ...byCalls.slice(0, 6).map(row)]
      : []),
  ];
}

/** "app 0.95 cores, database 0.60 cores", what the backends waited on, and the database work per message. */
function profileRow(profile: PhaseProfile | undefined, database: boolean, perItems = 0): string[][] {
  if (!profile) return [];
  const counters = profile.counters;
  const work =
    counters && perItems > 0
      ? [
          [
            '  database work per message',
            `${num(counters.commits / perItems, 1)} commits, ${num((counters.inserted + counters.updated + counters.deleted) / perItems, 1)} rows written`,
            `inserted ${num(counters.inserted / perItems, 1)}, updated ${num(counters.updated / perItems, 1)}, deleted ${num(counters.deleted / perItems, 1)}` +
              `, read ${num(counters.returned / perItems, 0)} (pg_stat_database, approximate: the whole database, timers and jobs included)`,
          ],
          [
            '  rows read per message, most',
            '',
            [...counters.readBy]
              .sort((a, b) => b[1] - a[1])
              .slice(0, 4)
              .map(([name, read]) => `${name} ${num(read / perItems, 0)}`)
              .join(', '),
          ],
          ...statementRows(counters.statements, perItems),
        ]
      : [];
  const cores =
    `app ${num(profile.appCores, 2)}` + (database ? ` + db ${num(profile.databaseCores, 2)}` : '') + ' cores';
  const waits = profile.waits.map(([name, n]) => `${name} ${num(n, 1)}`).join(', ');
  return [
    [
      '  CPU used',
      cores,
      database
        ? `backends running a statement: ${num(profile.activeBackends, 1)} on average; waiting on: ${waits || 'nothing'}`
        : 'PGlite runs inside the app process',
    ],
    ...work,
  ];
}

function inboundRows(db: string, phase: InboundPhase): string[][] {
  return [
    [
      `${db} inbound, ${phase.label}`,
      `${num(phase.msgsPerS)} msg/s`,
      `${phase.delivered} of ${phase.sent} sent were answered 200 and seen by an operator in ${num(phase.elapsedMs / 1000, 2)} s` +
        `; not seen ${phase.unseen}; non-200 ${phase.outcomes.describeFailures()}` +
        (phase.skipped ? `; ${phase.skipped} not sent (too many outstanding)` : ''),
    ],
    [
      `  webhook latency`,
      `p50 ${num(phase.webhook.percentile(50), 2)} / p99 ${num(phase.webhook.percentile(99), 2)} ms`,
      `max-rate closed loop` + (phase.targetRate ? `; offered ${phase.targetRate}/s open loop` : ''),
    ],
    [
      `  webhook → operator socket`,
      `p50 ${num(phase.toOperator.percentile(50), 2)} / p99 ${num(phase.toOperator.percentile(99), 2)} ms`,
      'from the send to the first operator socket that shows the message',
    ],
    [
      `  the bench's own delay`,
      `p99 ${num(phase.generatorDelay.p99Ms, 2)} / max ${num(phase.generatorDelay.maxMs, 2)} ms`,
      "how late the load generator's event loop ran: the latencies above include it",
    ],
    ...appSideRows(phase.app),
    ...profileRow(phase.profile, db === 'PostgreSQL', phase.outcomes.ok),
  ];
}

/** The phase as the app's own `/metrics` saw it: its webhooks' time without the bench's, and its event loop. */
function appSideRows(app: AppSide | undefined): string[][] {
  if (!app) return [];
  return [
    [
      `  webhook inside the app`,
      `p50 ${num(app.webhookP50Ms, 1)} / p99 ${num(app.webhookP99Ms, 1)} ms`,
      `${num(app.within50Ms * 100, 2)} % within 50 ms; from the app's histogram (/metrics) of ${app.webhooks} webhooks, ` +
        'interpolated within its buckets (10 ms apart up to 50 ms)',
    ],
    [
      `  the app's event-loop delay`,
      `p99 ${num(app.loopDelayP99Ms, 2)} / max ${num(app.loopDelayMaxMs, 2)} ms`,
      "how late the app's event loop ran (/metrics)",
    ],
  ];
}

/** The readable table printed before the JSON line. */
export interface Machine {
  cores: number;
  /** One-minute load average when the run started and ended. */
  loadBefore: number;
  loadAfter: number;
  elapsedS: number;
  revision: string;
}

export function table(
  mode: Mode,
  machine: Machine,
  pg: PostgresResults,
  pglite: InboundPhase,
  summary: Summary,
): string {
  const { floor, outbound, scale } = pg;
  const scaled = mode.name !== 'full';
  const rows: string[][] = [
    [
      'PostgreSQL floor',
      `${num(floor.reqPerS)} req/s`,
      `p50 ${num(floor.latency.percentile(50), 2)} / p99 ${num(floor.latency.percentile(99), 2)} ms; non-200 ${floor.outcomes.describeFailures()}; ${mode.concurrency} outstanding`,
    ],
    ...profileRow(floor.profile, true, floor.outcomes.ok).map((row) => [
      row[0]!,
      row[1]!.replace('app', 'floor'),
      row[2]!,
    ]),
    ...inboundRows('PostgreSQL', pg.inbound),
    ['  inbound / floor', num(summary.inbound_ratio, 4), 'target ≥ 0.25; inbound target ≥ 3,000 msg/s'],
    ...inboundRows('PostgreSQL', pg.steady).map((row, i) =>
      i === 1 || i === 2 ? [row[0]!, row[1]!, `target p99 < ${i === 1 ? 50 : 100} ms at 1,000 msg/s`] : row,
    ),
    ...inboundRows('PostgreSQL', pg.returning).slice(0, 1),
    ...profileRow(pg.returning.profile, true, pg.returning.outcomes.ok),
    [
      'PostgreSQL outbound',
      `${num(outbound.msgsPerS)} msg/s`,
      `${outbound.received} Graph API calls received of ${outbound.acked} sends acknowledged` +
        `; ${outbound.operators} operators, ${outbound.sessions} of ${outbound.sessionsAsked} sessions active; send errors ${describe(outbound.sendErrors)}` +
        `; Graph errors ${outbound.graphErrors}; not at the sandbox by the end of the grace period ${outbound.undelivered}; target ≥ 3,000 msg/s`,
    ],
    [
      '  operator send → Graph API call',
      `p50 ${num(outbound.toGraph.percentile(50), 2)} / p99 ${num(outbound.toGraph.percentile(99), 2)} ms`,
      `send acknowledged p99 ${num(outbound.ack.percentile(99), 2)} ms`,
    ],
    ...profileRow(outbound.profile, true, outbound.received),
    [
      `Scale${scaled ? ' (scaled down)' : ''}: RSS`,
      `${num(scale.rssPeakMiB)} MiB`,
      `${scale.openSessions} open sessions (target ${scale.targetSessions}` +
        (scale.inserted ? `; ${scale.inserted} of them inserted directly, webhooks were too slow` : '') +
        `), ${scale.operators} operator sockets` +
        `; RSS before the sockets ${num(scale.rssBeforeMiB)} MiB, after saturated inbound ${num(pg.rssAfterInboundMiB)} MiB` +
        `; ${scale.operators} sockets connected in ${num(scale.connectMs / 1000, 2)} s; ${scale.fanOutEvents} events fanned out` +
        (scaled
          ? '; scaled down: the full run measures 10,000 sessions and 1,000 operators'
          : '; target < 1,024 MiB'),
    ],
    ...(scale.topUp
      ? [
          [
            '  inbound, new customers only',
            `${num(scale.topUp.msgsPerS)} msg/s`,
            `${scale.topUp.delivered} first messages (each opens, routes and offers a session) seen by operators` +
              `; non-200 ${scale.topUp.outcomes.describeFailures()}`,
          ],
        ]
      : []),
    ...inboundRows('PGlite', pglite),
    ['  PGlite target', '≥ 1,000 msg/s', ''],
  ];
  const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) =>
    `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padStart(widths[1]!)}  ${r[2]}`.trimEnd(),
  );
  const busy = Math.max(machine.loadBefore, machine.loadAfter) > machine.cores;
  return [
    `Switchboard benchmark (${mode.name}${scaled ? ', scaled down' : ''}) of ${machine.revision}, in ${num(machine.elapsedS)} s on ${machine.cores} cores; ` +
      `load average ${num(machine.loadBefore, 2)} before, ${num(machine.loadAfter, 2)} after` +
      (busy ? ' (the machine was busy: figures are low and noisy)' : ''),
    ...lines,
  ].join('\n');
}

function describe(counts: Map<string, number>): string {
  return counts.size ? [...counts].map(([k, v]) => `${k}×${v}`).join(', ') : 'none';
}

/** The app's hottest functions and files/packages by self time, from `--cpu-prof`. */
export function profileTable(
  phases: string,
  hot: {
    functions: HotFunction[];
    packages: HotFunction[];
    file: string;
  },
): string {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)} %`;
  return [
    `App CPU profile, ${phases} phases (self time, share of the busy time; ${hot.file}):`,
    ...hot.packages.map((p) => `  ${pct(p.share)}  ${p.name}`),
    'Hottest functions:',
    ...hot.functions.map((f) => `  ${pct(f.share)}  ${f.name}  ${f.where}`),
  ].join('\n');
}
