import type { Logger } from 'pino';
import { ChannelError } from '../channels/channel-adapter.js';
import type { Executor } from '../db/database.js';
import { announceMessage } from './announce.js';
import { sendThroughChannel } from './deliver-message.js';
import type { EngineDeps } from './engine-deps.js';
import { markSent, recordSendFailure } from './message-status.js';
import { finishOutbox, retryOutbox, type OutboxItem } from './outbox.js';
import { activeParticipantsOf } from './sessions.repo.js';

/** How many times a retryable failure (rate limit, 5xx, network) is tried again before the message fails. */
const MAX_RETRIES = 8;
/** The first retry's delay; each later one doubles it (2 s, 4 s, … 256 s: about eight and a half minutes in all). */
const RETRY_DELAY_MS = 2_000;

type Outcome =
  /** Sent, or failed for good: recorded on the message, and the row goes. */
  | { item: OutboxItem; result: { channelMessageId: string } | ChannelError }
  /** Gone, already sent (a status came first) or failed: the row goes. */
  | { item: OutboxItem; skip: true }
  | { item: OutboxItem; retry: { delayMs: number; error: string; refund: boolean } };

/**
 * Sends claimed outbox rows through their channels, outside any transaction: different sessions side by side, a
 * session's messages one after another in the order they were written. Then every result is recorded in one
 * transaction with one read of the sessions' operators, which also removes the rows or sets their retries. A
 * retryable failure is tried again after a growing delay, or after the channel's own (a rate limit's hold); after
 * {@link MAX_RETRIES} the message fails. When the shared transaction fails, each result is recorded in its own,
 * so that one bad record does not have the others sent again; a result that cannot be recorded leaves its row
 * claimed, to be claimed again when the lease runs out. Answers when the retries are due.
 */
export async function sendOutbox(
  deps: EngineDeps,
  items: OutboxItem[],
  logger: Logger,
): Promise<{ retryInMs: number[] }> {
  const bySession = new Map<string, OutboxItem[]>();
  for (const item of [...items].sort((a, b) => a.message.position - b.message.position)) {
    const queue = bySession.get(item.session.id);
    if (queue) queue.push(item);
    else bySession.set(item.session.id, [item]);
  }
  const outcomes = (
    await Promise.all(
      [...bySession.values()].map(async (queue) => {
        const done: Outcome[] = [];
        for (const item of queue) done.push(await attempt(deps, item));
        return done;
      }),
    )
  ).flat();
  for (const outcome of outcomes)
    if ('retry' in outcome && !outcome.retry.refund)
      logger.warn(
        { message: outcome.item.message.id, attempt: outcome.item.attempt, error: outcome.retry.error },
        'outbox: a send failed and is tried again later',
      );
  try {
    await deps.database.db.transaction((tx) => recordOutcomes(tx, deps, outcomes));
  } catch {
    for (const outcome of outcomes)
      await deps.database.db
        .transaction((tx) => recordOutcomes(tx, deps, [outcome]))
        .catch((error: unknown) =>
          logger.error(
            { err: error, message: outcome.item.message.id },
            'outbox: could not record a send; its row is claimed again when the lease runs out',
          ),
        );
  }
  return { retryInMs: outcomes.flatMap((outcome) => ('retry' in outcome ? [outcome.retry.delayMs] : [])) };
}

async function attempt(deps: EngineDeps, item: OutboxItem): Promise<Outcome> {
  const { message, session } = item;
  if (message.status !== 'sending') return { item, skip: true };
  try {
    const result = await sendThroughChannel(
      deps.channels.get(session.channel),
      deps.database.db,
      session,
      message,
    );
    return { item, result };
  } catch (error) {
    const failure = error instanceof ChannelError ? error : undefined;
    // A hold did not reach the channel: it waits out the hold without using up an attempt.
    const refund = failure?.code === 'held';
    if (failure && !failure.retryable) return { item, result: failure };
    if (!refund && item.attempt > MAX_RETRIES)
      return {
        item,
        result: failure ?? new ChannelError('send_failed', (error as Error).message, false),
      };
    const backoff = refund ? 0 : RETRY_DELAY_MS * 2 ** (item.attempt - 1);
    return {
      item,
      retry: {
        delayMs: Math.max(backoff, failure?.retryAfterMs ?? 0),
        error: failure ? `${failure.code}: ${failure.reason}` : String((error as Error).message),
        refund,
      },
    };
  }
}

async function recordOutcomes(tx: Executor, deps: EngineDeps, outcomes: Outcome[]): Promise<void> {
  const results = outcomes.filter((outcome) => 'result' in outcome);
  const operators = await activeParticipantsOf(tx, [
    ...new Set(results.map((outcome) => outcome.item.session.id)),
  ]);
  const accepted = await markSent(
    tx,
    results.flatMap(({ item, result }) =>
      result instanceof ChannelError
        ? []
        : [{ messageId: item.message.id, channelMessageId: result.channelMessageId }],
    ),
    deps.now(),
  );
  for (const { item, result } of results) {
    if (result instanceof ChannelError) {
      await recordSendFailure(tx, deps, item.session, item.message.id, result, deps.now());
      continue;
    }
    const updated = accepted.get(item.message.id);
    if (updated)
      await announceMessage(
        tx,
        item.session,
        updated,
        'message.updated',
        operators.get(item.session.id) ?? [],
      );
  }
  await finishOutbox(
    tx,
    outcomes.flatMap((outcome) => ('retry' in outcome ? [] : [outcome.item.message.id])),
  );
  await retryOutbox(
    tx,
    outcomes.flatMap((outcome) =>
      'retry' in outcome ? [{ messageId: outcome.item.message.id, ...outcome.retry }] : [],
    ),
  );
}
