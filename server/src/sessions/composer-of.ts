import { Type } from 'typebox';
import { windowInputOf, type ComposerState } from '../channels/channel-adapter.js';
import type { Executor } from '../db/database.js';
import { defineJob } from '../jobs/job-definition.js';
import { firedEarly, setTimer } from '../jobs/timers.js';
import type { ComposerSummary } from '../realtime/event-map.js';
import { announceSession } from './announce.js';
import type { ChannelRegistry, EngineDeps } from './engine-deps.js';
import { lockSession, type SessionRow } from './sessions.repo.js';

export type ComposerInput = Pick<
  SessionRow,
  'state' | 'channel' | 'lastCustomerMessageAt' | 'queuedAt' | 'windowClosedAt' | 'lockedUntilReply'
>;

/** What the composer may do in a session now, from the channel's window policy and limits. */
export function composerOf(
  deps: { channels: ChannelRegistry; now: () => Date },
  session: ComposerInput,
): ComposerState & { maxTextLength: number } {
  const adapter = deps.channels.get(session.channel);
  const state: ComposerState =
    session.state === 'ended'
      ? { freeText: false, freeTextUntil: null, otherwise: 'nothing', reason: 'The session has ended' }
      : adapter.composerState(windowInputOf(session, deps.now()));
  return { ...state, maxTextLength: adapter.limits.maxTextLength };
}

/** The composer state as carried in a session summary (`session.changed`). */
export function composerSummary(
  deps: { channels: ChannelRegistry; now: () => Date },
  session: ComposerInput,
): ComposerSummary {
  const { freeTextUntil, ...state } = composerOf(deps, session);
  return { ...state, freeTextUntil: freeTextUntil ? freeTextUntil.toISOString() : null };
}

/**
 * When free text stops being allowed by the clock alone (the end of WhatsApp's 24-hour window), nothing happens
 * in the session to announce it: this timer announces the session then, so every workspace switches to
 * templates without polling. One timer per running window: a customer message inside a window that is still open
 * (`previous`, the session before the message) sets none, and the pending timer, finding free text still
 * allowed when it fires, moves itself to the window's new end.
 */
export async function scheduleComposerChange(
  tx: Executor,
  deps: Pick<EngineDeps, 'channels' | 'jobs' | 'now'>,
  session: SessionRow,
  previous?: ComposerInput,
): Promise<void> {
  const now = deps.now();
  if (previous) {
    const before = composerOf(deps, previous);
    if (before.freeText && before.freeTextUntil && before.freeTextUntil > now) return;
  }
  const { freeText, freeTextUntil } = composerOf(deps, session);
  if (!freeText || !freeTextUntil || freeTextUntil <= now) return;
  await setTimer(
    deps,
    composerChangeTimer,
    { tenantId: session.tenantId, sessionId: session.id },
    freeTextUntil,
    tx,
  );
}

export const composerChangeTimer = defineJob({
  name: 'session-composer-change',
  payload: Type.Object({ tenantId: Type.String(), sessionId: Type.String(), dueAt: Type.String() }),
  retry: { limit: 5, delaySeconds: 5, backoff: true },
  async handle(deps: EngineDeps, payload) {
    if (await firedEarly(deps, composerChangeTimer as never, payload)) return;
    await deps.database.db.transaction(async (tx) => {
      const session = await lockSession(tx, payload.tenantId, payload.sessionId);
      if (!session || session.state === 'ended') return;
      // A later customer message moved the window's end: follow it.
      if (composerOf(deps, session).freeText) return scheduleComposerChange(tx, deps, session);
      await announceSession(tx, deps, session);
    });
  },
});
