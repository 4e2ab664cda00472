import type { TSchema } from 'typebox';
import { downloadMessengerAttachment } from '../channels/messenger/download-attachment.job.js';
import { fetchMessengerProfile } from '../channels/messenger/fetch-profile.job.js';
import { messengerSenderAction } from '../channels/messenger/sender-action.job.js';
import { applyParkedStatus } from '../channels/whatsapp/apply-status.js';
import { downloadWhatsAppMedia } from '../channels/whatsapp/download-media.job.js';
import { markReadAtMeta } from '../channels/whatsapp/mark-read.job.js';
import { syncTemplatesJob } from '../channels/whatsapp/sync-whatsapp-templates.js';
import type { FileStore } from '../files/file-store.js';
import { makeFilePreview } from '../files/make-file-preview.js';
import { sweepOrphanFiles } from '../files/sweep-orphan-files.js';
import { deleteExpiredSessionsJob } from '../retention/delete-expired-sessions.js';
import { dispatchWaiting } from '../routing/dispatch-waiting.job.js';
import { offerTimeout } from '../routing/offer-timeout.job.js';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { composerChangeTimer } from '../sessions/composer-of.js';
import { sendReaction } from '../sessions/react-to-message.js';
import { sessionAutoEnd, sessionInactivity } from '../sessions/session-timers.js';
import type { JobDefinition } from './job-definition.js';
import type { WebhookTail } from '../webhooks/webhook-tail.js';
import { pruneExpired } from './prune-expired.js';
import { deliverWebhook } from '../webhooks/deliver-webhook.job.js';

/** What every job handler may use. */
export type JobDeps = EngineDeps & { fileStore: FileStore; webhooks: WebhookTail };

/** Every job the worker role runs. */
export const allJobs: JobDefinition<TSchema, JobDeps>[] = [
  pruneExpired,
  makeFilePreview,
  sweepOrphanFiles,
  deleteExpiredSessionsJob,
  offerTimeout,
  dispatchWaiting,
  sessionInactivity,
  sessionAutoEnd,
  composerChangeTimer,
  sendReaction,
  downloadWhatsAppMedia,
  applyParkedStatus,
  markReadAtMeta,
  syncTemplatesJob,
  downloadMessengerAttachment,
  fetchMessengerProfile,
  messengerSenderAction,
  deliverWebhook,
] as unknown as JobDefinition<TSchema, JobDeps>[];
