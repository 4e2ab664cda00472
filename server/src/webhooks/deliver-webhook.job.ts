import { createHmac } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { Type } from 'typebox';
import { request } from 'undici';
import type { Database } from '../db/database.js';
import { webhookAttempts, webhookDeliveries } from '../db/schema.js';
import { defineJob } from '../jobs/job-definition.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Metrics } from '../metrics/metrics.js';
import { firedEarly, setTimer } from '../jobs/timers.js';
import { deliveryAgent, refusedLiteral } from './webhook-target.js';
import { deliveryToAttempt } from './webhooks.repo.js';
import { webhooksRuntime } from './webhooks-runtime.js';

/** Attempts of a delivery before it is given up: the first and eleven retries, over about 12 hours. */
export const MAX_ATTEMPTS = 12;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 4 * 3_600_000;
/** How long an endpoint has to answer. */
const TIMEOUT_MS = 10_000;
/** How much of an answer that is not 2xx is kept in the log. */
const KEPT_ANSWER_CHARS = 300;

/** The wait before the retry that follows the `failed`th failed attempt: 30 s, doubling, at most 4 hours. */
export function retryDelayMs(failed: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** (failed - 1), LONGEST_RETRY_MS);
}

/** `sha256=` and the HMAC-SHA256 of the body's exact bytes with the endpoint's secret, in hex. */
export function signatureOf(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

interface Outcome {
  statusCode: number | null;
  error: string | null;
}

/**
 * Delivers one webhook: a signed POST of the event, recorded as an attempt in the delivery log. A 2xx answer
 * delivers it; anything else (another status, no answer in 10 s, a refused address) is retried with backoff until
 * `MAX_ATTEMPTS`; 410 Gone gives up at once. Retries are timers on the application's clock, like every timer.
 */
export const deliverWebhook = defineJob({
  name: 'deliver-webhook',
  payload: Type.Object({ deliveryId: Type.String({ format: 'uuid' }), dueAt: Type.String() }),
  // For a run that could not record its attempt (the database went away): the delivery is still pending.
  retry: { limit: 5, delaySeconds: 30, backoff: true },
  expireInSeconds: 120,
  // Deliveries wait on other people's servers.
  workers: 2,
  async handle(deps: { database: Database; jobs: JobQueue; now: () => Date; metrics: Metrics }, payload) {
    if (await firedEarly(deps, deliverWebhook, payload)) return;
    const delivery = await deliveryToAttempt(deps.database.db, payload.deliveryId);
    if (!delivery) return;
    const started = performance.now();
    const outcome: Outcome = delivery.enabled
      ? await post(delivery)
      : { statusCode: null, error: 'The endpoint is disabled' };
    const durationMs = Math.round(performance.now() - started);
    const now = deps.now();
    const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const attempts = delivery.attempts + 1;
    const failedThisRound = attempts - delivery.attemptsBefore;
    const givenUp =
      !delivered && (!delivery.enabled || outcome.statusCode === 410 || failedThisRound >= MAX_ATTEMPTS);
    const nextAttemptAt =
      delivered || givenUp ? null : new Date(now.getTime() + retryDelayMs(failedThisRound));
    const recorded = await deps.database.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(webhookDeliveries)
        .set({
          attempts,
          status: delivered ? 'delivered' : givenUp ? 'failed' : 'pending',
          lastStatusCode: outcome.statusCode,
          lastError: outcome.error,
          nextAttemptAt,
          // The log's times are the database's, as the deliveries' creation is (the retries follow the app's clock).
          ...(delivered ? { deliveredAt: sql`now()` } : {}),
        })
        // Another run of the same delivery (a job handed back after a crash) may have recorded this attempt.
        .where(
          and(
            eq(webhookDeliveries.id, delivery.id),
            eq(webhookDeliveries.status, 'pending'),
            eq(webhookDeliveries.attempts, delivery.attempts),
          ),
        )
        .returning({ id: webhookDeliveries.id });
      if (!updated) return false;
      await tx.insert(webhookAttempts).values({
        tenantId: delivery.tenantId,
        deliveryId: delivery.id,
        statusCode: outcome.statusCode,
        error: outcome.error,
        durationMs,
      });
      if (nextAttemptAt) await setTimer(deps, deliverWebhook, { deliveryId: delivery.id }, nextAttemptAt, tx);
      return true;
    });
    // Counted once the attempt is on record.
    if (recorded)
      deps.metrics.outboundWebhookAttempts.inc({
        outcome: delivered ? 'delivered' : givenUp ? 'failed' : 'retry',
      });
  },
});

/** The POST itself; never throws: what went wrong is the attempt's outcome. */
async function post(delivery: NonNullable<Awaited<ReturnType<typeof deliveryToAttempt>>>): Promise<Outcome> {
  const { secretBox, allowPrivateNetworks } = webhooksRuntime();
  const url = new URL(delivery.url);
  const refused = refusedLiteral(url, allowPrivateNetworks);
  if (refused) return { statusCode: null, error: refused };
  const body = JSON.stringify(delivery.payload);
  try {
    const answer = await request(url, {
      method: 'POST',
      dispatcher: deliveryAgent(allowPrivateNetworks),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhooks/1',
        'x-switchboard-event': delivery.eventType,
        'x-switchboard-delivery': delivery.id,
        'x-switchboard-signature-256': signatureOf(body, secretBox.open(delivery.secretSealed)),
      },
      body,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    const ok = answer.statusCode >= 200 && answer.statusCode < 300;
    const text = ok ? '' : await startOf(answer.body);
    if (ok) await answer.body.dump();
    return {
      statusCode: answer.statusCode,
      error: ok ? null : `HTTP ${answer.statusCode}${text ? `: ${text}` : ''}`,
    };
  } catch (error) {
    return { statusCode: null, error: describe(error) };
  }
}

/** The first characters of an answer's body; the rest is not read. */
async function startOf(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  let text = '';
  try {
    for await (const chunk of body) {
      text += chunk.toString('utf8');
      if (text.length >= KEPT_ANSWER_CHARS) break;
    }
  } catch {
    // What was read so far is enough for the log.
  } finally {
    body.destroy();
  }
  return text.slice(0, KEPT_ANSWER_CHARS).trim();
}

function describe(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause : error;
  const code = (inner as { code?: string }).code;
  const message = inner instanceof Error ? inner.message : String(inner);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return `No answer within ${TIMEOUT_MS / 1000} s`;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
