import { Type } from 'typebox';
import type { Executor } from '../../db/database.js';
import { defineJob } from '../../jobs/job-definition.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { openCredentials } from '../channel-accounts.repo.js';
import { callMessengerGraph, MessengerGraphError } from './call-messenger-graph.js';
import { mapMessengerError } from './map-messenger-error.js';
import { messengerRuntime } from './messenger-runtime.js';
import { findPageAccount } from './messenger.repo.js';

/** Sends one sender action through the Send API: `typing_on`/`typing_off`, `mark_seen`, `react`/`unreact`. */
export async function sendSenderAction(
  db: Executor,
  channelAccountId: string,
  psid: string,
  action: 'typing_on' | 'typing_off' | 'mark_seen' | 'react' | 'unreact',
  payload?: Record<string, string>,
): Promise<void> {
  const runtime = messengerRuntime();
  const account = await findPageAccount(db, channelAccountId);
  if (!account) return;
  const { pageAccessToken } = openCredentials(runtime.secretBox, account);
  await callMessengerGraph(runtime.graph, pageAccessToken ?? '', 'POST', 'me/messages', {
    recipient: { id: psid },
    sender_action: action,
    ...(payload ? { payload } : {}),
  });
}

/**
 * A sender action that must not be lost and must leave only after its transaction committed: the customer sees
 * the messages as seen (`mark_seen`), or the operator's reaction (`react`/`unreact`).
 */
export const messengerSenderAction = defineJob({
  name: 'messenger-sender-action',
  payload: Type.Object({
    channelAccountId: Type.String(),
    psid: Type.String(),
    action: Type.Union([Type.Literal('mark_seen'), Type.Literal('react'), Type.Literal('unreact')]),
    payload: Type.Optional(Type.Record(Type.String(), Type.String())),
  }),
  retry: { limit: 5, delaySeconds: 2, backoff: true },
  async handle(deps: EngineDeps, job) {
    try {
      await sendSenderAction(deps.database.db, job.channelAccountId, job.psid, job.action, job.payload);
    } catch (error) {
      // Retry what may pass later; a final refusal (unknown message, customer unavailable) is not worth it.
      if (error instanceof MessengerGraphError && mapMessengerError(error).retryable) throw error;
    }
  },
});
