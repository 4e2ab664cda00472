import { and, eq, isNull } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import type { Executor } from '../db/database.js';
import { sessionParticipants, sessions } from '../db/schema.js';
import { dispatchGroup } from '../routing/dispatch.js';
import { announceSession, recordTimeline } from '../sessions/announce.js';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { sendSystemMessage } from '../sessions/send-system-message.js';
import {
  activeParticipants,
  lockSessions,
  removeParticipants,
  returnToQueue,
} from '../sessions/sessions.repo.js';

/**
 * The active sessions of an operator who was deactivated, so no customer waits on someone who cannot sign in:
 * a session they own goes back to the front of its group's queue (any conference guests leave with them) and is
 * offered again at once, its customer told as after a transfer nobody took; from a conference they were a guest
 * in, they leave. Sessions in wrap-up stay theirs: the customer's part is over.
 */
export async function handBackSessions(
  tx: Executor,
  deps: Pick<EngineDeps, 'now' | 'jobs' | 'outbox' | 'channels'>,
  actor: Actor,
  userId: string,
) {
  const held = await tx
    .select({ sessionId: sessionParticipants.sessionId, role: sessionParticipants.role })
    .from(sessionParticipants)
    .innerJoin(sessions, eq(sessions.id, sessionParticipants.sessionId))
    .where(
      and(
        eq(sessionParticipants.tenantId, actor.tenantId),
        eq(sessionParticipants.userId, userId),
        isNull(sessionParticipants.leftAt),
        eq(sessions.state, 'active'),
      ),
    );
  const locked = await lockSessions(
    tx,
    actor.tenantId,
    held.map((h) => h.sessionId),
  );
  const now = deps.now();
  const groups = new Set<string>();
  for (const { sessionId, role } of held) {
    const session = locked.get(sessionId);
    if (session?.state !== 'active') continue;
    const by = {
      actorKind: 'operator' as const,
      actorUserId: actor.kind === 'user' ? actor.id : null,
      at: now,
    };
    if (role === 'guest') {
      const [name] = (await activeParticipants(tx, sessionId)).filter((p) => p.userId === userId);
      await removeParticipants(tx, sessionId, now, userId);
      await recordTimeline(tx, session, {
        type: 'conference_exited',
        data: { userId, deactivated: true },
        ...by,
      });
      await sendSystemMessage(tx, deps, session, 'operator_left', { name: name?.name ?? '' });
      await announceSession(tx, deps, session, [userId]);
      continue;
    }
    const leaving = await activeParticipants(tx, sessionId);
    await removeParticipants(tx, sessionId, now);
    const [waiting] = await returnToQueue(tx, [sessionId], [sessionId]);
    await recordTimeline(tx, waiting!, {
      type: 'returned_to_queue',
      data: { fromUserId: userId, reason: 'operator_deactivated' },
      ...by,
    });
    await sendSystemMessage(tx, deps, waiting!, 'transfer_returned');
    await announceSession(
      tx,
      deps,
      waiting!,
      leaving.map((p) => p.userId),
    );
    if (waiting!.groupId) groups.add(waiting!.groupId);
  }
  for (const groupId of groups) await dispatchGroup(tx, deps, actor.tenantId, groupId);
}
