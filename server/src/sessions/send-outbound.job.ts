import { eq, inArray } from 'drizzle-orm';
import { Type } from 'typebox';
import { ChannelError } from '../channels/channel-adapter.js';
import { messages, sessions } from '../db/schema.js';
import type { Executor } from '../db/database.js';
import { defineJob, type JobMeta } from '../jobs/job-definition.js';
import { announceMessage } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { markSent, recordSendFailure } from './message-status.js';
import { activeParticipantsOf, type MessageRow, type SessionRow } from './sessions.repo.js';

/** How many times a retryable failure (rate limit, 5xx, network) is tried again before the message fails. */
const MAX_ATTEMPTS = 8;

/**
 * The outbox: sends committed messages through their channels outside any transaction, then records the results.
 * Retryable failures throw, and the job library retries with backoff; final ones mark the message.
 */
export const sendOutbound = defineJob({
  name: 'send-outbound',
  payload: Type.Object({ tenantId: Type.String(), messageId: Type.String() }),
  retry: { limit: MAX_ATTEMPTS, delaySeconds: 2, backoff: true },
  // Each send waits on the channel's API: several fetch loops keep the outbox flowing past a slow call.
  workers: 4,
  // A job left active by a process that died (kill -9, power loss) is retried once it expires: soon, rather than
  // after the default 15 minutes, but later than the longest send (a media upload may take 120 s, the send 20 s).
  // By then Meta's `sent` status, matched by our message id, has usually marked a send that did go out, so the
  // retry finds the message no longer `sending` and does not send it twice.
  expireInSeconds: 180,
  async handle(deps: EngineDeps, payload, meta) {
    const [result] = await sendBatch(deps, [{ payload, meta }]);
    if (result?.status === 'rejected') throw result.reason;
  },
  handleBatch: sendBatch,
});

type Row = { message: MessageRow; session: SessionRow };
type Sent = Row & { result: { channelMessageId: string } | ChannelError };

/**
 * Sends a fetched batch of the outbox: its messages and their sessions in one read, each send to its channel side
 * by side (outside any transaction), then every result recorded in one transaction with one read of the sessions'
 * operators. A retryable failure rejects its job, which the job library retries with backoff; a final one marks the
 * message. When the shared transaction fails, each result is recorded in its own, so that one bad record does not
 * have the others sent again.
 */
async function sendBatch(
  deps: EngineDeps,
  jobs: Array<{ payload: { tenantId: string; messageId: string }; meta: JobMeta }>,
): Promise<PromiseSettledResult<void>[]> {
  const db = deps.database.db;
  const rows = await db
    .select({ message: messages, session: sessions })
    .from(messages)
    .innerJoin(sessions, eq(sessions.id, messages.sessionId))
    .where(inArray(messages.id, [...new Set(jobs.map((job) => job.payload.messageId))]));
  const byId = new Map(rows.map((row) => [row.message.id, row]));
  const taken = new Set<string>();
  const outcomes = await Promise.all(
    jobs.map(async ({ payload, meta }): Promise<Sent | { retry: unknown } | undefined> => {
      const row = byId.get(payload.messageId);
      // Gone, another tenant's, already sent or failed, or a second job of the same message in this batch.
      if (!row || row.message.tenantId !== payload.tenantId || row.message.status !== 'sending') return;
      if (taken.has(row.message.id)) return;
      taken.add(row.message.id);
      try {
        return { ...row, result: await sendOne(deps, row) };
      } catch (error) {
        if (!(error instanceof ChannelError)) return { retry: error };
        if (error.retryable && meta.retryCount < MAX_ATTEMPTS) return { retry: error };
        return { ...row, result: error };
      }
    }),
  );
  const sent = outcomes.filter((outcome): outcome is Sent => Boolean(outcome && 'result' in outcome));
  const unrecorded = new Map<Sent, unknown>();
  if (sent.length > 0) {
    try {
      await db.transaction((tx) => recordResults(tx, deps, sent));
    } catch {
      for (const one of sent)
        await db
          .transaction((tx) => recordResults(tx, deps, [one]))
          .catch((error: unknown) => unrecorded.set(one, error));
    }
  }
  return outcomes.map((outcome): PromiseSettledResult<void> => {
    if (outcome && 'retry' in outcome) return { status: 'rejected', reason: outcome.retry };
    if (outcome && unrecorded.has(outcome)) return { status: 'rejected', reason: unrecorded.get(outcome) };
    return { status: 'fulfilled', value: undefined };
  });
}

function sendOne(deps: EngineDeps, { message, session }: Row) {
  return deps.channels.get(session.channel).send(
    {
      tx: deps.database.db,
      tenantId: session.tenantId,
      channelAccountId: session.channelAccountId,
      sessionId: session.id,
      contactId: session.contactId,
    },
    { messageId: message.id, ...(message.text !== null ? { text: message.text } : {}) },
  );
}

async function recordResults(tx: Executor, deps: EngineDeps, sent: Sent[]): Promise<void> {
  const operators = await activeParticipantsOf(tx, [...new Set(sent.map((one) => one.session.id))]);
  const accepted = await markSent(
    tx,
    sent.flatMap(({ message, result }) =>
      result instanceof ChannelError
        ? []
        : [{ messageId: message.id, channelMessageId: result.channelMessageId }],
    ),
    deps.now(),
  );
  for (const { message, session, result } of sent) {
    if (result instanceof ChannelError) {
      await recordSendFailure(tx, deps, session, message.id, result, deps.now());
      continue;
    }
    const updated = accepted.get(message.id);
    if (updated)
      await announceMessage(tx, session, updated, 'message.updated', operators.get(session.id) ?? []);
  }
}
