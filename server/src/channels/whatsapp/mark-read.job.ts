import { Type } from 'typebox';
import { openCredentials } from '../channel-accounts.repo.js';
import { defineJob } from '../../jobs/job-definition.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { callGraph, GraphError } from './call-graph.js';
import { mapSendError } from './map-send-error.js';
import { whatsappRuntime } from './whatsapp-runtime.js';
import { findWhatsAppAccount } from './whatsapp.repo.js';

/** Tells Meta the operator has read the customer's messages up to this one (blue ticks on the customer's phone). */
export const markReadAtMeta = defineJob({
  name: 'whatsapp-mark-read',
  payload: Type.Object({ channelAccountId: Type.String(), wamid: Type.String() }),
  retry: { limit: 5, delaySeconds: 2, backoff: true },
  async handle(deps: EngineDeps, payload) {
    const runtime = whatsappRuntime();
    const account = await findWhatsAppAccount(deps.database.db, payload.channelAccountId);
    if (!account) return;
    const { accessToken } = openCredentials(runtime.secretBox, account);
    try {
      await callGraph(runtime.graph, accessToken ?? '', 'POST', `${account.externalId}/messages`, {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: payload.wamid,
      });
    } catch (error) {
      // Retry what may pass later; an unknown or too old message (131009) or a final error is not worth it.
      if (error instanceof GraphError && mapSendError(error).retryable) throw error;
    }
  },
});
