import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { Type } from 'typebox';
import { messages, sessions } from '../../db/schema.js';
import { attachmentOf } from '../../files/message-attachments.js';
import { storeFile } from '../../files/store-file.js';
import { AppError } from '../../http/app-error.js';
import type { JobDeps } from '../../jobs/all-jobs.js';
import { defineJob } from '../../jobs/job-definition.js';
import { announceMessage } from '../../sessions/announce.js';
import type { MessageRow } from '../../sessions/sessions.repo.js';
import { openCredentials } from '../channel-accounts.repo.js';
import { callGraph, fetchMediaBytes, GraphError } from './call-graph.js';
import { mapSendError } from './map-send-error.js';
import { whatsappRuntime } from './whatsapp-runtime.js';
import { findWhatsAppAccount, updateAttachment } from './whatsapp.repo.js';

const RETRIES = 6;

/**
 * Downloads a customer's media by id (Meta's two steps: the id gives a 5-minute URL, fetched with the bearer
 * token) and stores it through the files module (sniffed type, blocked types, size limit, preview) as the
 * message's file. Separate from storing the message, so the message shows at once
 * with a pending attachment, and a transient failure is retried without the duplicate check getting in the way.
 */
export const downloadWhatsAppMedia = defineJob({
  name: 'whatsapp-download-media',
  payload: Type.Object({
    tenantId: Type.String(),
    channelAccountId: Type.String(),
    messageId: Type.String(),
    index: Type.Integer({ minimum: 0 }),
    mediaId: Type.String(),
  }),
  retry: { limit: RETRIES, delaySeconds: 2, backoff: true },
  async handle(deps: JobDeps, payload, meta) {
    const db = deps.database.db;
    const [row] = await db
      .select({ message: messages, session: sessions })
      .from(messages)
      .innerJoin(sessions, eq(sessions.id, messages.sessionId))
      .where(eq(messages.id, payload.messageId));
    const attachment = (row?.message.metadata.attachments as Record<string, unknown>[] | undefined)?.[
      payload.index
    ];
    if (!row || !attachment || attachment.fileId) return;
    const runtime = whatsappRuntime();
    const account = await findWhatsAppAccount(db, payload.channelAccountId);
    if (!account) return;
    const { accessToken } = openCredentials(runtime.secretBox, account);

    let media: { bytes: Buffer; contentType: string | undefined };
    try {
      const info = await callGraph<{ url?: string; mime_type?: string }>(
        runtime.graph,
        accessToken ?? '',
        'GET',
        `${encodeURIComponent(payload.mediaId)}?phone_number_id=${encodeURIComponent(account.externalId)}`,
      );
      if (!info.url) throw new GraphError(200, 0, 'Meta gave no URL for the media', undefined);
      media = await fetchMediaBytes(info.url, accessToken ?? '');
      media.contentType = info.mime_type ?? media.contentType;
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      const retryable = mapSendError(error).retryable || error.httpStatus === 404 || error.httpStatus === 0;
      if (retryable && meta.retryCount < RETRIES) throw error;
      await db.transaction(async (tx) => {
        const updated = await updateAttachment(tx, row.message.id, payload.index, {
          error: `The media could not be downloaded from WhatsApp: ${error.title}`,
        });
        if (updated) await announceMessage(tx, row.session, updated, 'message.updated');
      });
      return;
    }

    let updated: MessageRow | undefined;
    try {
      await storeFile(
        {
          database: deps.database,
          fileStore: deps.fileStore,
          maxUploadBytes: runtime.maxUploadBytes,
          jobs: deps.jobs,
        },
        {
          tenantId: payload.tenantId,
          sessionId: row.session.id,
          messageId: row.message.id,
          name: String(attachment.name ?? 'file'),
          declaredType: media.contentType ?? (attachment.declaredType as string | undefined) ?? null,
          content: Readable.from(media.bytes),
          createdBy: 'customer',
          // A blocked type sent by a customer is recorded, not stored: the operator sees what was refused.
          onBlocked: 'record',
          inTransaction: async (tx, file) => {
            // The same entry every channel writes: a blocked file carries "blocked file: name, type".
            updated = await updateAttachment(tx, row.message.id, payload.index, attachmentOf(file));
            if (updated) await announceMessage(tx, row.session, updated, 'message.updated');
          },
        },
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await db.transaction(async (tx) => {
        const failed = await updateAttachment(tx, row.message.id, payload.index, { error: error.message });
        if (failed) await announceMessage(tx, row.session, failed, 'message.updated');
      });
    }
  },
});
