import type { Actor } from '../auth/actor.js';
import type { Executor } from '../db/database.js';
import { recordTimeline } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { sendSystemMessage } from './send-system-message.js';
import { addParticipant, updateSession, type SessionRow } from './sessions.repo.js';

/**
 * Makes an operator the session's owner and the session active (accept, transfer accept, take-over): the
 * timeline says how, and the customer is told who joined.
 */
export async function makeOwner(
  tx: Executor,
  deps: Pick<EngineDeps, 'channels' | 'jobs' | 'outbox' | 'now'>,
  session: SessionRow,
  actor: Actor,
  timeline: { type: string; data?: Record<string, unknown> },
): Promise<SessionRow> {
  const now = deps.now();
  const active = await updateSession(tx, session.id, {
    state: 'active',
    acceptedAt: session.acceptedAt ?? now,
  });
  await addParticipant(tx, {
    tenantId: actor.tenantId,
    sessionId: session.id,
    userId: actor.id,
    role: 'owner',
    joinedAt: now,
  });
  await recordTimeline(tx, active, { ...timeline, actorKind: 'operator', actorUserId: actor.id, at: now });
  await sendSystemMessage(tx, deps, active, 'operator_joined', { name: actor.name });
  return active;
}
