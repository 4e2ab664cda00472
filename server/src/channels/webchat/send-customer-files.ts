import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { and, eq } from 'drizzle-orm';
import { messages, type webchatVisitors } from '../../db/schema.js';
import type { FileRow } from '../../files/files.repo.js';
import { storeFile, type StoreFileDeps } from '../../files/store-file.js';
import { asUploadError, discardFiles } from '../../files/upload-session-files.js';
import { AppError } from '../../http/app-error.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { sendCustomerMessage } from './customer-actions.js';
import { WEBCHAT_MAX_FILES } from './webchat-adapter.js';
import { visitorMessage } from './webchat.repo.js';

type Visitor = typeof webchatVisitors.$inferSelect;

/** A multipart part as the route hands it over: the fields first, then the files. */
export type CustomerUploadPart =
  | { type: 'field'; name: string; value: string }
  | { type: 'file'; filename: string; mimetype: string; file: Readable };

const CLIENT_MESSAGE_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Files a web chat customer sends, as one message (with an optional caption). Each file streams to the store and
 * is checked on its bytes. The message is idempotent by the widget's client id, like a text message, and starts a
 * session when none is open.
 *
 * All or nothing: an empty, too large or cut-off file refuses the request and keeps none of its files. A file of
 * a blocked type refuses it too (`file_type_blocked`), but the refusal is recorded as a customer message carrying
 * only "blocked file: name, type", so the operator sees what the customer tried to send.
 */
export async function sendCustomerFiles(
  deps: EngineDeps & StoreFileDeps,
  visitor: Visitor,
  parts: AsyncIterable<CustomerUploadPart>,
) {
  const fields: { clientMessageId?: string; text?: string; pageUrl?: string } = {};
  const stored: FileRow[] = [];
  let duplicate = false;
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        readField(fields, part.name, part.value);
        continue;
      }
      if (!fields.clientMessageId)
        throw new AppError('validation_failed', 'Send the clientMessageId field before the files');
      if (stored.length === 0 && !duplicate)
        duplicate = await alreadyStored(deps, visitor, fields.clientMessageId);
      if (duplicate) {
        // Sent again after a lost answer: read and drop the bytes, answer with the message stored the first time.
        await pipeline(part.file, new Writable({ write: (_chunk, _encoding, done) => done() }));
        continue;
      }
      if (stored.length >= WEBCHAT_MAX_FILES)
        throw new AppError('payload_too_large', `At most ${WEBCHAT_MAX_FILES} files can be sent at once`, {
          reason: 'too_many_files',
          limit: WEBCHAT_MAX_FILES,
        });
      stored.push(
        await storeFile(deps, {
          tenantId: visitor.tenantId,
          sessionId: null,
          name: part.filename,
          declaredType: part.mimetype,
          content: part.file,
          createdBy: 'customer',
          onBlocked: 'record',
        }),
      );
    }
  } catch (error) {
    await discardFiles(deps, visitor.tenantId, stored);
    throw asUploadError(error);
  }
  if (!fields.clientMessageId)
    throw new AppError('validation_failed', 'Send clientMessageId and one or more files');
  if (duplicate) return duplicateReply(deps, visitor, fields.clientMessageId);
  if (stored.length === 0) throw new AppError('validation_failed', 'Send one or more files');

  const blocked = stored.filter((f) => f.status === 'blocked');
  const kept = blocked.length ? blocked : stored;
  await discardFiles(
    deps,
    visitor.tenantId,
    stored.filter((f) => !kept.includes(f)),
  );
  let sent: Awaited<ReturnType<typeof sendCustomerMessage>>;
  try {
    sent = await sendCustomerMessage(deps, visitor, {
      clientMessageId: fields.clientMessageId,
      ...(blocked.length === 0 && fields.text ? { text: fields.text } : {}),
      ...(fields.pageUrl ? { pageUrl: fields.pageUrl } : {}),
      files: kept,
    });
  } catch (error) {
    await discardFiles(deps, visitor.tenantId, kept);
    throw error;
  }
  // The same message won a race with another request: ours are not needed.
  if (sent.duplicate) await discardFiles(deps, visitor.tenantId, kept);
  if (blocked.length) {
    const first = blocked[0]!;
    const type = first.contentType ?? first.declaredType ?? 'unknown type';
    throw new AppError('unprocessable', `Files of this type are not accepted: ${first.name} (${type})`, {
      reason: 'file_type_blocked',
      name: first.name,
      type,
      messageId: sent.message.id,
    });
  }
  return sent;
}

function readField(
  fields: { clientMessageId?: string; text?: string; pageUrl?: string },
  name: string,
  value: string,
) {
  if (name === 'clientMessageId') {
    if (!CLIENT_MESSAGE_ID.test(value))
      throw new AppError('validation_failed', 'clientMessageId must be 1–100 letters, digits, - or _');
    fields.clientMessageId = value;
  } else if (name === 'text') {
    if (value.length > 20_000) throw new AppError('validation_failed', 'The caption is too long');
    fields.text = value;
  } else if (name === 'pageUrl') {
    if (value.length > 2000 || !/^https?:\/\//i.test(value) || !URL.canParse(value))
      throw new AppError('validation_failed', 'pageUrl must be an http(s) URL');
    fields.pageUrl = value;
  } else {
    throw new AppError('validation_failed', `Unknown field ${name}`);
  }
}

async function alreadyStored(deps: EngineDeps, visitor: Visitor, clientMessageId: string): Promise<boolean> {
  const [row] = await deps.database.db
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.channelAccountId, visitor.channelAccountId),
        eq(messages.channelMessageId, `${visitor.id}:${clientMessageId}`),
      ),
    );
  return !!row;
}

async function duplicateReply(deps: EngineDeps, visitor: Visitor, clientMessageId: string) {
  const [row] = await deps.database.db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.channelAccountId, visitor.channelAccountId),
        eq(messages.channelMessageId, `${visitor.id}:${clientMessageId}`),
      ),
    );
  const view = await visitorMessage(deps.database.db, row!.id);
  return { message: { ...view!, clientMessageId }, sessionId: row!.sessionId, duplicate: true };
}
