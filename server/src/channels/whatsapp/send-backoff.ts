import { sql } from 'drizzle-orm';
import { queryText, type Executor } from '../../db/database.js';
import { channelSendHolds } from '../../db/schema.js';

/**
 * Backoff after Meta's rate limits, shared by every app process through `channel_send_holds`: 130429 holds the
 * whole number (recipient ''), 131056 only one recipient, so the others keep flowing. A held send fails as
 * retryable at once, without calling Meta; the outbox retries it. Holds run on real time (Meta's limits do),
 * and only ever lengthen: two processes hitting the limit together keep the later end.
 */
export async function holdSends(
  db: Executor,
  hold: { tenantId: string; channelAccountId: string; recipient?: string; ms: number; reason: string },
): Promise<void> {
  const holdUntil = new Date(Date.now() + hold.ms);
  await db
    .insert(channelSendHolds)
    .values({
      tenantId: hold.tenantId,
      channelAccountId: hold.channelAccountId,
      recipient: hold.recipient ?? '',
      holdUntil,
      reason: hold.reason,
    })
    .onConflictDoUpdate({
      target: [channelSendHolds.channelAccountId, channelSendHolds.recipient],
      set: {
        holdUntil: sql`greatest(${channelSendHolds.holdUntil}, excluded.hold_until)`,
        reason: sql`excluded.reason`,
      },
    });
}

/** The end of the latest hold on sends from a number to a recipient, as SQL over the expressions naming them. */
export function holdUntilSql(channelAccountId: string, recipient: string): string {
  return `(SELECT max(h.hold_until) FROM channel_send_holds h
           WHERE h.channel_account_id = ${channelAccountId} AND h.recipient IN ('', ${recipient}))`;
}

/** How long sends from this number to this recipient must still wait (0: go). */
export async function waitBeforeSend(
  db: Executor,
  channelAccountId: string,
  recipient: string,
): Promise<number> {
  const [row] = await queryText<{ until: Date | string | null }>(
    db,
    `SELECT ${holdUntilSql('$1::uuid', '$2::text')} AS until`,
    [channelAccountId, recipient],
  );
  return msUntil(row?.until ?? null);
}

/** Milliseconds until a hold ends (0: it has). */
export function msUntil(until: Date | string | null): number {
  return until ? Math.max(0, new Date(until).getTime() - Date.now()) : 0;
}
