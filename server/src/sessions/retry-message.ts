import type { Actor } from '../auth/actor.js';
import { AppError } from '../http/app-error.js';
import { announceMessage, messageSummary } from './announce.js';
import { composerOf } from './composer-of.js';
import { deliverMessage } from './deliver-message.js';
import type { EngineDeps } from './engine-deps.js';
import { resetForRetry } from './message-status.js';
import { lockVisibleSession, requireParticipant, requireState } from './session-guards.js';
import { findMessage } from './sessions.repo.js';

/**
 * An operator sends a failed message again (a participant, or a supervisor of the session's group). Only an
 * outbound message in `error` can be retried; it goes back to `sending` and through the channel again (the
 * outbox for WhatsApp and Messenger). Free text is refused while the channel's window does not allow it, since
 * it would only fail again; a template may always be retried.
 */
export async function retryMessage(deps: EngineDeps, actor: Actor, sessionId: string, messageId: string) {
  return deps.database.db.transaction(async (tx) => {
    const session = await lockVisibleSession(tx, actor, sessionId);
    requireState(session, 'active');
    await requireParticipant(tx, actor, session, { orSupervisor: true });
    const message = await findMessage(tx, session.id, messageId);
    if (!message) throw AppError.notFound('Message');
    if (message.direction !== 'out' || message.status !== 'error')
      throw new AppError('message_not_failed', 'Only a message that failed to send can be sent again', {
        status: message.status,
      });
    const composer = composerOf(deps, session);
    if (!message.metadata.template && !composer.freeText)
      throw new AppError('window_closed', composer.reason ?? 'Free text cannot be sent now', {
        otherwise: composer.otherwise,
      });
    const reset = await resetForRetry(tx, message, deps.now());
    if (!reset) throw new AppError('message_not_failed', 'The message is no longer failed');
    const delivered = await deliverMessage(tx, deps, session, reset);
    await announceMessage(tx, session, delivered, 'message.updated');
    return messageSummary(tx, delivered);
  });
}
