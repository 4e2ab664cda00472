import { and, eq, ilike } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { wrapupReasons } from '../db/schema.js';
import { groupIdsOfUser } from '../groups/groups.repo.js';
import { dispatchGroup } from '../routing/dispatch.js';
import { pendingOffersOfSession } from '../routing/offers.repo.js';
import { withdrawOffers } from '../routing/withdraw-offers.js';
import { announceSession, recordTimeline } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { sendSystemMessage } from './send-system-message.js';
import { activeParticipants, removeParticipants, updateSession, type SessionRow } from './sessions.repo.js';

export interface CloseInput {
  endedBy: 'operator' | 'customer' | 'system';
  userId?: string | null;
  /** Why: `operator`, `customer`, `inactive`, `channel_window`, … */
  reason: string;
  wrapupReasonId?: string | null;
  note?: string | null;
  /** Tell the customer (the tenant's end text). */
  notifyCustomer: boolean;
}

/**
 * Ends a session, whoever ends it. Pending offers are taken back, the operators leave (their capacity frees up
 * and their groups' queues move), the customer is told. The caller holds the routing lock.
 */
export async function closeSession(
  tx: Executor,
  deps: Pick<EngineDeps, 'channels' | 'jobs' | 'outbox' | 'now'>,
  session: SessionRow,
  input: CloseInput,
) {
  const now = deps.now();
  await withdrawOffers(tx, deps, session.tenantId, await pendingOffersOfSession(tx, session.id), 'keep');
  if (input.notifyCustomer) await sendSystemMessage(tx, deps, session, 'session_ended');
  const leaving = await activeParticipants(tx, session.id);
  await removeParticipants(tx, session.id, now);
  const ended = await updateSession(tx, session.id, {
    state: 'ended',
    endedAt: now,
    endedBy: input.endedBy,
    endedByUserId: input.userId ?? null,
    endReason: input.reason,
    wrapupReasonId: input.wrapupReasonId ?? null,
    wrapupNote: input.note ?? null,
  });
  await recordTimeline(tx, ended, {
    type: 'ended',
    actorKind: input.endedBy === 'operator' ? 'operator' : input.endedBy,
    actorUserId: input.userId ?? null,
    data: { reason: input.reason, wrapupReasonId: input.wrapupReasonId ?? null },
    at: now,
  });
  await announceSession(
    tx,
    deps,
    ended,
    leaving.map((p) => p.userId),
  );
  const groups = new Set<string>();
  for (const p of leaving) for (const g of await groupIdsOfUser(tx, p.userId)) groups.add(g);
  for (const groupId of groups) await dispatchGroup(tx, deps, session.tenantId, groupId);
  return ended;
}

/** The tenant's "Auto-ended" wrap-up reason, created the first time a session ends by itself. */
export async function autoEndedReason(tx: Executor, tenantId: string): Promise<string> {
  const [existing] = await tx
    .select({ id: wrapupReasons.id })
    .from(wrapupReasons)
    .where(and(eq(wrapupReasons.tenantId, tenantId), ilike(wrapupReasons.name, 'auto-ended')));
  if (existing) return existing.id;
  const [created] = await tx
    .insert(wrapupReasons)
    .values({ tenantId, name: 'Auto-ended' })
    .returning({ id: wrapupReasons.id });
  return created!.id;
}
