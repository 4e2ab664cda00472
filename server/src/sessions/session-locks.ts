import { queryText, type Executor } from '../db/database.js';
import { rowFromJson } from '../db/row-from-json.js';
import { sessions } from '../db/schema.js';
import type { Participant, SessionRow } from './sessions.repo.js';

/*
 * Sessions locked for the rest of the transaction, with their operators, in one statement: what an operator's
 * action reads first, to check the operator and to address its events.
 */

/** A session and its operators as `activeParticipants` reads them, as two JSON columns of a statement on `s`. */
const SESSION_WITH_PARTICIPANTS = `
  SELECT to_jsonb(s) AS session,
    coalesce((SELECT json_agg(json_build_object('userId', sp.user_id, 'role', sp.role,
                'name', (SELECT u.name FROM users u WHERE u.id = sp.user_id), 'joinedAt', sp.joined_at)
                ORDER BY sp.joined_at)
              FROM session_participants sp WHERE sp.session_id = s.id AND sp.left_at IS NULL), '[]') AS participants
  FROM sessions s`;

/** `lockSession` with the session's operators as `activeParticipants` reads them, in one statement. */
const LOCK_WITH_PARTICIPANTS = `${SESSION_WITH_PARTICIPANTS}
  WHERE s.id = $1 AND s.tenant_id = $2
  FOR UPDATE OF s`;

/** The same for several sessions, locked in the order of their ids (as one by one in that order would). */
const LOCK_MANY_WITH_PARTICIPANTS = `${SESSION_WITH_PARTICIPANTS}
  WHERE s.id = ANY ($1::uuid[]) AND s.tenant_id = ANY ($2::uuid[])
  ORDER BY s.id
  FOR UPDATE OF s`;

/** A session locked by the transaction, with its operators. */
export interface LockedSession {
  session: SessionRow;
  participants: Participant[];
}

type SessionWithParticipantsRow = {
  session: Record<string, unknown>;
  participants: Array<Omit<Participant, 'joinedAt'> & { joinedAt: string }>;
};

function sessionWithParticipantsOf(row: SessionWithParticipantsRow): LockedSession {
  return {
    session: rowFromJson(sessions, row.session),
    participants: row.participants.map((p) => ({ ...p, joinedAt: new Date(p.joinedAt) })),
  };
}

export async function lockSessionWithParticipants(
  tx: Executor,
  tenantId: string,
  sessionId: string,
): Promise<LockedSession | undefined> {
  const [row] = await queryText<SessionWithParticipantsRow>(
    tx,
    LOCK_WITH_PARTICIPANTS,
    [sessionId, tenantId],
    {
      prepareAs: 'lock_session_with_participants',
    },
  );
  return row && sessionWithParticipantsOf(row);
}

/**
 * `lockSessionWithParticipants` for several sessions in one statement, by id, of the given tenants (those of the
 * operators asking); each caller still checks that its session is of its own tenant.
 */
export async function lockSessionsWithParticipants(
  tx: Executor,
  tenantIds: string[],
  sessionIds: string[],
): Promise<Map<string, LockedSession>> {
  const rows = await queryText<SessionWithParticipantsRow>(
    tx,
    LOCK_MANY_WITH_PARTICIPANTS,
    [sessionIds, tenantIds],
    {
      prepareAs: 'lock_sessions_with_participants',
    },
  );
  return new Map(
    rows.map((row) => {
      const found = sessionWithParticipantsOf(row);
      return [found.session.id, found];
    }),
  );
}
