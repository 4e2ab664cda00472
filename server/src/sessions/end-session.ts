import { and, eq } from 'drizzle-orm';
import type { Actor } from '../auth/actor.js';
import { wrapupReasons } from '../db/schema.js';
import { applySessionTags } from '../tags/set-session-tags.js';
import { AppError } from '../http/app-error.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { readTenantSettings } from '../tenants/read-tenant-settings.js';
import { closeSession } from './close-session.js';
import type { EngineDeps } from './engine-deps.js';
import { lockVisibleSession, requireParticipant, supervises } from './session-guards.js';
import { sessionView } from './session-view.js';

export interface EndSessionInput {
  wrapupReasonId?: string | undefined;
  note?: string | undefined;
  /** The session's tags as the wrap-up dialog leaves them. */
  tagIds?: string[] | undefined;
}

/**
 * The operator ends the session with a wrap-up: a reason from the tenant's list (required when the tenant says
 * so), a note, and the tags. The owner ends it; a supervisor may end any session of their groups.
 */
export async function endSession(deps: EngineDeps, actor: Actor, sessionId: string, input: EndSessionInput) {
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    const session = await lockVisibleSession(tx, actor, sessionId);
    if (session.state === 'ended') throw new AppError('session_state', 'The session has already ended');
    if (session.state === 'active')
      await requireParticipant(tx, actor, session, { role: 'owner', orSupervisor: true });
    else if (!supervises(actor, session))
      throw new AppError('not_in_session', 'Only a supervisor can end a session nobody has accepted');
    const settings = await readTenantSettings(tx, actor.tenantId);
    if (settings.wrapupRequired && !input.wrapupReasonId)
      throw new AppError('wrapup_required', 'Choose a wrap-up reason to end the session');
    if (input.wrapupReasonId) {
      const [reason] = await tx
        .select()
        .from(wrapupReasons)
        .where(
          and(
            eq(wrapupReasons.id, input.wrapupReasonId),
            eq(wrapupReasons.tenantId, actor.tenantId),
            eq(wrapupReasons.active, true),
          ),
        );
      if (!reason) throw AppError.notFound('Wrap-up reason');
    }
    if (input.tagIds) await applySessionTags(tx, actor.tenantId, session, input.tagIds);
    await closeSession(tx, deps, session, {
      endedBy: 'operator',
      userId: actor.kind === 'user' ? actor.id : null,
      reason: 'operator',
      wrapupReasonId: input.wrapupReasonId ?? null,
      note: input.note ?? null,
      notifyCustomer: true,
    });
    return sessionView(tx, actor.tenantId, session.id);
  });
}
