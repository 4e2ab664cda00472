import type { Executor } from '../db/database.js';
import { rooms } from '../realtime/event-map.js';
import { recordEvent } from '../realtime/record-event.js';
import { deleteAuthSessionsOfUser } from './auth.repo.js';

/**
 * Signs a user out everywhere, except (when given) the session making the request, and closes their open sockets
 * (`operator.signed_out`): a socket opened with an ended sign-in would otherwise go on receiving events. A browser
 * whose sign-in was kept connects again at once.
 */
export async function signOutEverywhere(
  tx: Executor,
  tenantId: string,
  userId: string,
  keepSessionId?: string,
): Promise<void> {
  await deleteAuthSessionsOfUser(tx, userId, keepSessionId);
  await recordEvent(tx, tenantId, 'operator.signed_out', [rooms.operator(userId)], { userId });
}
