import { Type } from 'typebox';
import type { Executor } from '../db/database.js';
import { defineJob } from '../jobs/job-definition.js';
import { firedEarly, setTimer } from '../jobs/timers.js';
import { lockTenantRouting } from '../routing/routing-lock.js';
import { autoEndedReason, closeSession } from './close-session.js';
import type { EngineDeps } from './engine-deps.js';
import { sendSystemMessage } from './send-system-message.js';
import { sessionSettings } from './session-settings.js';
import { lockSession, type SessionRow } from './sessions.repo.js';

/** Minutes without any message after which a session ends, per channel, unless the channel account says otherwise. */
const DEFAULT_INACTIVITY_MINUTES: Record<string, number> = {
  webchat: 30,
  whatsapp: 24 * 60,
  messenger: 24 * 60,
};

interface TimerSettings {
  inactivityMinutes: number;
  autoEnd: { afterMs: number; warnBeforeMs: number } | null;
}

/**
 * A channel account may set `inactivityMinutes`, and `maxSessionMinutes` with `warnBeforeMinutes` for an end
 * the channel imposes; the channel adapter's own policy (Messenger's 7 days) applies otherwise.
 */
async function timerSettings(
  tx: Executor,
  deps: Pick<EngineDeps, 'channels'>,
  session: SessionRow,
): Promise<TimerSettings> {
  const tenant = await sessionSettings(tx, session.tenantId);
  const settings = tenant?.accounts[session.channelAccountId] ?? {};
  const adapter = deps.channels.get(session.channel);
  const inactivityMinutes =
    Number(settings.inactivityMinutes) || DEFAULT_INACTIVITY_MINUTES[session.channel] || 30;
  const maxMinutes = Number(settings.maxSessionMinutes);
  const warnMinutes = Number(settings.warnBeforeMinutes);
  const autoEnd = maxMinutes
    ? { afterMs: maxMinutes * 60_000, warnBeforeMs: (warnMinutes || 10) * 60_000 }
    : adapter.autoEnd
      ? {
          afterMs: adapter.autoEnd.afterMs,
          warnBeforeMs: warnMinutes ? warnMinutes * 60_000 : adapter.autoEnd.warnBeforeMs,
        }
      : null;
  return { inactivityMinutes, autoEnd };
}

/** Sets a new session's timers: inactivity, and the channel's automatic end with its warning. */
export async function scheduleSessionTimers(
  tx: Executor,
  deps: EngineDeps,
  session: SessionRow,
): Promise<void> {
  const settings = await timerSettings(tx, deps, session);
  const base = { tenantId: session.tenantId, sessionId: session.id };
  const lastActivity = session.lastMessageAt ?? session.queuedAt;
  await setTimer(
    deps,
    sessionInactivity,
    base,
    new Date(lastActivity.getTime() + settings.inactivityMinutes * 60_000),
    tx,
  );
  if (settings.autoEnd) {
    const endAt = session.queuedAt.getTime() + settings.autoEnd.afterMs;
    await setTimer(
      deps,
      sessionAutoEnd,
      { ...base, warning: true },
      new Date(endAt - settings.autoEnd.warnBeforeMs),
      tx,
    );
    await setTimer(deps, sessionAutoEnd, { ...base, warning: false }, new Date(endAt), tx);
  }
}

const TimerPayload = { tenantId: Type.String(), sessionId: Type.String(), dueAt: Type.String() };

/** Ends a session nobody wrote in for the inactivity period; when something was written, waits for the rest. */
export const sessionInactivity = defineJob({
  name: 'session-inactivity',
  payload: Type.Object(TimerPayload),
  retry: { limit: 5, delaySeconds: 5, backoff: true },
  async handle(deps: EngineDeps, payload) {
    if (await firedEarly(deps, sessionInactivity as never, payload)) return;
    await deps.database.db.transaction(async (tx) => {
      await lockTenantRouting(tx, payload.tenantId);
      const session = await lockSession(tx, payload.tenantId, payload.sessionId);
      if (!session || session.state === 'ended') return;
      const { inactivityMinutes } = await timerSettings(tx, deps, session);
      const due = new Date(
        (session.lastMessageAt ?? session.queuedAt).getTime() + inactivityMinutes * 60_000,
      );
      if (due.getTime() > deps.now().getTime()) {
        await setTimer(
          deps,
          sessionInactivity,
          { tenantId: payload.tenantId, sessionId: payload.sessionId },
          due,
          tx,
        );
        return;
      }
      await closeSession(tx, deps, session, {
        endedBy: 'system',
        reason: 'inactive',
        wrapupReasonId: await autoEndedReason(tx, payload.tenantId),
        notifyCustomer: true,
      });
    });
  },
});

/** The channel's automatic end: a warning to the customer first, then the end. */
export const sessionAutoEnd = defineJob({
  name: 'session-auto-end',
  payload: Type.Object({ ...TimerPayload, warning: Type.Boolean() }),
  retry: { limit: 5, delaySeconds: 5, backoff: true },
  async handle(deps: EngineDeps, payload) {
    if (await firedEarly(deps, sessionAutoEnd as never, payload)) return;
    await deps.database.db.transaction(async (tx) => {
      await lockTenantRouting(tx, payload.tenantId);
      const session = await lockSession(tx, payload.tenantId, payload.sessionId);
      if (!session || session.state === 'ended') return;
      if (payload.warning) {
        const settings = await timerSettings(tx, deps, session);
        const minutes = String(Math.round((settings.autoEnd?.warnBeforeMs ?? 0) / 60_000));
        await sendSystemMessage(tx, deps, session, 'auto_end_warning', { minutes });
        return;
      }
      await closeSession(tx, deps, session, {
        endedBy: 'system',
        reason: 'channel_window',
        wrapupReasonId: await autoEndedReason(tx, payload.tenantId),
        notifyCustomer: true,
      });
    });
  },
});
