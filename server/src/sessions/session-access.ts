import { and, eq, isNull } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import { canSeeGroup } from '../auth/actor.js';
import type { Executor } from '../db/database.js';
import { sessionParticipants, sessions } from '../db/schema.js';
import { AppError } from '../http/app-error.js';

/**
 * Who may see a session: administrators and API keys of the tenant, members of the session's group, and the
 * operators taking part in it (a transfer or conference may bring in someone from another group).
 * Everything that shows a session's messages, files or history goes through here.
 */
export async function canSeeSession(
  db: Executor,
  actor: Actor,
  session: { id: string; tenantId: string; groupId: string | null },
): Promise<boolean> {
  const seen = canSeeWithoutParticipants(actor, session);
  if (seen !== undefined) return seen;
  const [participant] = await db
    .select({ userId: sessionParticipants.userId })
    .from(sessionParticipants)
    .where(
      and(
        eq(sessionParticipants.sessionId, session.id),
        eq(sessionParticipants.userId, actor.id),
        isNull(sessionParticipants.leftAt),
      ),
    )
    .limit(1);
  return Boolean(participant);
}

/** `canSeeSession` with the session's operators already read. */
export function canSeeSessionAmong(
  actor: Actor,
  session: { tenantId: string; groupId: string | null },
  participants: Array<{ userId: string }>,
): boolean {
  return (
    canSeeWithoutParticipants(actor, session) ??
    participants.some((participant) => participant.userId === actor.id)
  );
}

/** Whether the actor may see the session, when its operators need not be asked; undefined when they must. */
function canSeeWithoutParticipants(
  actor: Actor,
  session: { tenantId: string; groupId: string | null },
): boolean | undefined {
  if (session.tenantId !== actor.tenantId) return false;
  if (canSeeGroup(actor, session.groupId)) return true;
  if (actor.kind !== 'user') return false;
  return undefined;
}

/** Loads a session the actor may see, or fails with 404 (never 403: another tenant learns nothing). */
export async function findVisibleSession(db: Executor, actor: Actor, sessionId: string) {
  const [session] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.tenantId, actor.tenantId)));
  if (!session || !(await canSeeSession(db, actor, session))) throw AppError.notFound('Session');
  return session;
}
