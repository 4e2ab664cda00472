import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { files } from '../db/schema.js';
import { AppError } from '../http/app-error.js';
import { checkChannelLimits } from './channel-limits.js';
import { extensionOf, isBlocked } from './check-upload.js';
import { attachFiles, readBlockedFileTypes, type FileRow } from './files.repo.js';
import { attachmentOf, type FileAttachment } from './message-attachments.js';

interface OutboundSession {
  id: string;
  tenantId: string;
  channel: string;
}

/**
 * Checks the files an operator is about to send, before the message is stored: uploaded to this session and not
 * sent yet, not of a type the tenant blocks now (the list may have changed since the upload), and within what the
 * session's channel accepts (WhatsApp per media type, Messenger 25 MB). Each refusal says why, with a stable
 * reason. Returns the files in the order given, as the message's attachments.
 */
export async function checkOutboundFiles(
  tx: Executor,
  session: OutboundSession,
  fileIds: string[],
  maxFiles: number,
): Promise<FileAttachment[]> {
  if (fileIds.length === 0) return [];
  if (new Set(fileIds).size !== fileIds.length)
    throw new AppError('validation_failed', 'A file is listed twice');
  if (fileIds.length > maxFiles)
    throw new AppError('unprocessable', `At most ${maxFiles} files can be sent in one message`, {
      reason: 'too_many_files',
      limit: maxFiles,
    });
  const rows = await tx
    .select()
    .from(files)
    .where(and(eq(files.tenantId, session.tenantId), inArray(files.id, fileIds)));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const blocked = await readBlockedFileTypes(tx, session.tenantId);
  return fileIds.map((id) => {
    const file = byId.get(id);
    if (!file || file.sessionId !== session.id) throw AppError.notFound('File');
    if (file.messageId) throw new AppError('conflict', `The file ${file.name} has been sent already`);
    if (file.status !== 'stored' || file.size === null)
      throw new AppError('unprocessable', `The file ${file.name} has no content`, {
        reason: 'file_not_stored',
      });
    if (isBlocked(blocked, { mimeTypes: [file.contentType], extensions: [extensionOf(file.name)] }))
      throw new AppError(
        'unprocessable',
        `Files of this type are blocked: ${file.name} (${file.contentType})`,
        {
          reason: 'file_type_blocked',
          name: file.name,
          type: file.contentType,
        },
      );
    const channel = checkChannelLimits(session.channel, { contentType: file.contentType, size: file.size });
    if (!channel.ok)
      throw new AppError('unprocessable', `${channel.message}: ${file.name}`, {
        reason: channel.reason,
        name: file.name,
        ...(channel.limitBytes ? { limitBytes: channel.limitBytes } : {}),
      });
    return attachmentOf(file);
  });
}

/** Gives the checked files to their message, in the sending transaction; a file another send took is a conflict. */
export async function attachOutboundFiles(
  tx: Executor,
  session: OutboundSession,
  messageId: string,
  attachments: FileAttachment[],
): Promise<FileRow[]> {
  const ids = attachments.map((a) => a.fileId);
  const attached = await attachFiles(tx, session.tenantId, { sessionId: session.id, messageId }, ids);
  if (attached.length !== ids.length) throw new AppError('conflict', 'A file has been sent already');
  return attached;
}
