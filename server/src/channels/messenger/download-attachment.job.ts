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
import { updateAttachment } from '../whatsapp/whatsapp.repo.js';
import { messengerRuntime } from './messenger-runtime.js';

const RETRIES = 6;

class DownloadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Fetches a Messenger CDN URL (no token: the URL is signed and expires). */
async function fetchAttachment(url: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new DownloadError(`Could not reach Messenger's file server: ${(error as Error).message}`, true);
  }
  if (!response.ok) {
    // 403/404/410: the signed URL expired or was withdrawn; trying again will not bring it back.
    const gone = response.status >= 400 && response.status < 500 && response.status !== 429;
    throw new DownloadError(
      gone
        ? `The attachment's link had expired (HTTP ${response.status})`
        : `Messenger's file server answered HTTP ${response.status}`,
      !gone,
    );
  }
  return {
    bytes: Buffer.from(await response.arrayBuffer()),
    contentType: response.headers.get('content-type') ?? undefined,
  };
}

/**
 * Downloads one attachment of a Messenger message (a customer's, or a Page-inbox reply's) at once — Meta's CDN
 * URLs expire — and stores it through the files module (sniffed type, blocked types recorded, size limit,
 * preview) as that message's file. A job of its own per attachment, so the message shows at once with pending
 * files, a transient failure is retried, and a message with several attachments keeps every one.
 */
export const downloadMessengerAttachment = defineJob({
  name: 'messenger-download-attachment',
  payload: Type.Object({
    tenantId: Type.String(),
    messageId: Type.String(),
    index: Type.Integer({ minimum: 0 }),
    url: Type.String(),
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

    const fail = async (reason: string) =>
      db.transaction(async (tx) => {
        const failed = await updateAttachment(tx, row.message.id, payload.index, { error: reason });
        if (failed) await announceMessage(tx, row.session, failed, 'message.updated');
      });

    let media: { bytes: Buffer; contentType: string | undefined };
    try {
      media = await fetchAttachment(payload.url);
    } catch (error) {
      if (!(error instanceof DownloadError)) throw error;
      if (error.retryable && meta.retryCount < RETRIES) throw error;
      await fail(`The attachment could not be downloaded from Messenger: ${error.message}`);
      return;
    }
    try {
      await storeFile(
        {
          database: deps.database,
          fileStore: deps.fileStore,
          maxUploadBytes: messengerRuntime().maxUploadBytes,
          jobs: deps.jobs,
        },
        {
          tenantId: payload.tenantId,
          sessionId: row.session.id,
          messageId: row.message.id,
          name: String(attachment.name ?? 'file'),
          declaredType: media.contentType ?? null,
          content: Readable.from(media.bytes),
          createdBy: row.message.direction === 'in' ? 'customer' : 'system',
          // A blocked type is recorded, not stored: the operator sees what was refused.
          onBlocked: 'record',
          inTransaction: async (tx, file) => {
            // The entry every channel writes: a blocked file carries "blocked file: name, type".
            const updated = await updateAttachment(tx, row.message.id, payload.index, attachmentOf(file));
            if (updated) await announceMessage(tx, row.session, updated, 'message.updated');
          },
        },
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await fail(error.message);
    }
  },
});
