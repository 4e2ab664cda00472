import type { Actor } from '../auth/actor.js';
import { isBlacklisted } from '../blacklist/is-blacklisted.js';
import { windowInputOf } from '../channels/channel-adapter.js';
import { AppError } from '../http/app-error.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { announceSession, recordTimeline } from './announce.js';
import type { EngineDeps } from './engine-deps.js';
import { lockVisibleSession } from './session-guards.js';
import { scheduleSessionTimers } from './session-timers.js';
import { scheduleComposerChange } from './composer-of.js';
import { sessionView } from './session-view.js';
import { addParticipant, findOpenSession, insertSession } from './sessions.repo.js';

/**
 * Starts a new session with the contact of an ended one, on the same channel account, assigned straight to the
 * operator. Refused when the contact is blacklisted or has another open session there. What may be sent first
 * (free text, a template, nothing) is the channel's window policy, reported in the composer state.
 */
export async function resumeSession(deps: EngineDeps, actor: Actor, sessionId: string) {
  if (actor.kind !== 'user') throw new AppError('unprocessable', 'Only an operator can resume a session');
  return deps.database.db.transaction(async (tx) => {
    await lockTenantRouting(tx, actor.tenantId);
    const previous = await lockVisibleSession(tx, actor, sessionId);
    if (previous.state !== 'ended')
      throw new AppError('session_state', 'Only an ended session can be resumed');
    if (await isBlacklisted(tx, actor.tenantId, { contactId: previous.contactId })) {
      throw new AppError('contact_blacklisted', 'The contact is on the blacklist');
    }
    const open = await findOpenSession(tx, actor.tenantId, previous.contactId, previous.channelAccountId);
    if (open)
      throw new AppError('open_session_exists', 'The contact has another open session on this channel', {
        sessionId: open.id,
      });
    const now = deps.now();
    // The channel may refuse a resume outright (Messenger after 7 days): say why.
    const policy = deps.channels.get(previous.channel).resumePolicy?.(windowInputOf(previous, now));
    if (policy && !policy.allowed) throw new AppError('resume_not_allowed', policy.reason);
    const session = await insertSession(tx, {
      tenantId: actor.tenantId,
      contactId: previous.contactId,
      channelAccountId: previous.channelAccountId,
      channel: previous.channel,
      groupId: previous.groupId,
      state: 'active',
      resumedFromId: previous.id,
      // The customer's last message still decides the channel's window.
      lastCustomerMessageAt: previous.lastCustomerMessageAt,
      queuedAt: now,
      acceptedAt: now,
      lastMessageAt: now,
      createdAt: now,
    });
    await addParticipant(tx, {
      tenantId: actor.tenantId,
      sessionId: session.id,
      userId: actor.id,
      role: 'owner',
      joinedAt: now,
    });
    await recordTimeline(tx, session, {
      type: 'resumed',
      actorKind: 'operator',
      actorUserId: actor.id,
      data: { fromSessionId: previous.id },
      at: now,
    });
    await scheduleSessionTimers(tx, deps, session);
    // The customer's last message may still hold a window open: announce its end.
    await scheduleComposerChange(tx, deps, session);
    await announceSession(tx, deps, session);
    return sessionView(tx, actor.tenantId, session.id);
  });
}
