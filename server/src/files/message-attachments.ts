import { eq } from 'drizzle-orm';
import { announceToVisitors } from '../channels/webchat/webchat-announce.js';
import type { Executor } from '../db/database.js';
import { messages, sessions } from '../db/schema.js';
import { announceMessage } from '../sessions/announce.js';
import { patchMessageAttachment, type FileRow } from './files.repo.js';

/**
 * How a file appears in its message's `metadata.attachments`, which operators' clients read: a stored file by
 * id, size and sniffed type; a blocked one with "blocked file: name, type" as its error.
 */
export type FileAttachment = {
  fileId: string;
  name: string;
  status: FileRow['status'];
  size?: number;
  contentType?: string;
  error?: string;
};

export function attachmentOf(file: FileRow): FileAttachment {
  return {
    fileId: file.id,
    name: file.name,
    status: file.status,
    ...(file.size !== null ? { size: file.size } : {}),
    ...(file.contentType ? { contentType: file.contentType } : {}),
    ...(file.error ? { error: file.error } : {}),
  };
}

/**
 * A file of a message changed after the message was announced (its preview is ready, or could not be made):
 * the attachment entry says so, and the message is announced again to the operators (`message.updated`) and,
 * on web chat, to the customer's widgets, so both show the preview without reloading.
 */
export async function announceFileChange(
  tx: Executor,
  file: FileRow,
  patch: Record<string, unknown>,
): Promise<void> {
  if (!file.messageId) return;
  const [row] = await tx
    .select({ message: messages, session: sessions })
    .from(messages)
    .innerJoin(sessions, eq(sessions.id, messages.sessionId))
    .where(eq(messages.id, file.messageId));
  if (!row) return;
  const message = (await patchMessageAttachment(tx, row.message.id, file.id, patch)) ?? row.message;
  await announceMessage(tx, row.session, message, 'message.updated');
  if (row.session.channel === 'webchat') await announceToVisitors(tx, row.session, message.id);
}
