import { canSeeGroup, hasRole, type Actor } from '../auth/actor.js';
import type { Executor } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { canSeeSession, canSeeSessionAmong } from './session-access.js';
import { activeParticipants, lockSession, type Participant, type SessionRow } from './sessions.repo.js';
import { lockSessionWithParticipants, type LockedSession } from './session-locks.js';

/** Locks a session the actor may see; 404 otherwise. */
export async function lockVisibleSession(tx: Executor, actor: Actor, sessionId: string): Promise<SessionRow> {
  const session = await lockSession(tx, actor.tenantId, sessionId);
  if (!session || !(await canSeeSession(tx, actor, session))) throw AppError.notFound('Session');
  return session;
}

/**
 * `lockVisibleSession` with the session's operators, read in the same statement (for `requireParticipant`).
 * `locked`: sessions this transaction has locked already (`lockSessionsWithParticipants`), as they are now.
 */
export async function lockVisibleSessionWithParticipants(
  tx: Executor,
  actor: Actor,
  sessionId: string,
  locked?: Map<string, LockedSession>,
): Promise<LockedSession> {
  const found = locked
    ? locked.get(sessionId)
    : await lockSessionWithParticipants(tx, actor.tenantId, sessionId);
  if (
    !found ||
    found.session.tenantId !== actor.tenantId ||
    !canSeeSessionAmong(actor, found.session, found.participants)
  )
    throw AppError.notFound('Session');
  return found;
}

/** Supervisors (of the session's group) and administrators may act on any session they supervise. */
export function supervises(actor: Actor, session: SessionRow): boolean {
  return hasRole(actor, 'supervisor') && canSeeGroup(actor, session.groupId);
}

/** The actor's role in the session, or a 409 when they take no part in it. */
export async function requireParticipant(
  tx: Executor,
  actor: Actor,
  session: SessionRow,
  options: { orSupervisor?: boolean; role?: 'owner' } = {},
  /** The session's operators, when the caller has just read them. */
  known?: Participant[],
) {
  const participants = known ?? (await activeParticipants(tx, session.id));
  const mine = participants.find((p) => actor.kind === 'user' && p.userId === actor.id);
  if (mine && (!options.role || mine.role === options.role)) return { participants, mine };
  if (options.orSupervisor && supervises(actor, session)) return { participants, mine };
  throw new AppError(
    'not_in_session',
    options.role === 'owner'
      ? 'Only the session’s owner can do this'
      : 'You do not take part in this session',
  );
}

export function requireState(session: SessionRow, ...states: SessionRow['state'][]): void {
  if (!states.includes(session.state)) {
    throw new AppError(
      'session_state',
      `The session is ${session.state}; this needs it ${states.join(' or ')}`,
    );
  }
}
