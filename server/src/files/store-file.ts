import { createHash, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database, Tx } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { extensionOf, formatBytes, isBlocked, type BlockedFileTypes } from './check-upload.js';
import { storageKeys, type FileStore } from './file-store.js';
import { insertFile, readBlockedFileTypes, type FileRow } from './files.repo.js';
import { canThumbnail, makeFilePreview } from './make-file-preview.js';
import { SNIFF_BYTES, sniffType, typeMismatch, type SniffedType } from './sniff-type.js';

export interface StoreFileDeps {
  database: Database;
  fileStore: FileStore;
  maxUploadBytes: number;
  /** Thumbnails are made by the worker; without a queue (a bare test app) files simply get none. */
  jobs?: JobQueue | undefined;
}

export interface StoreFileInput {
  tenantId: string;
  sessionId: string | null;
  messageId?: string | null;
  /** The name the person or the channel gave; kept for display only, never used to build a storage key. */
  name: string;
  declaredType?: string | null;
  content: Readable;
  createdBy: 'customer' | 'operator' | 'system';
  /**
   * What a blocked file becomes: an operator's upload is refused with the reason; a file a customer sent is kept
   * out of storage but recorded as `blocked`, so the operator sees "blocked file: name, type".
   */
  onBlocked: 'refuse' | 'record';
  /** The size the channel announced: a shorter stream is a truncated download. */
  expectedSize?: number;
  /**
   * Runs in the transaction that records the file (stored or blocked), so that, for example, attaching it to its
   * message and announcing that commit together with the file or not at all.
   */
  inTransaction?: (tx: Tx, file: FileRow) => Promise<void>;
}

/** Bytes of a text file kept as its readable excerpt. */
const EXCERPT_BYTES = 2048;

/**
 * Stores one file: streams it under a temporary key while hashing, counting and sniffing it, refuses it (and
 * keeps nothing) when it is empty, too large, truncated or of a blocked type, then moves it to its key and
 * commits its row. The type is always the sniffed one; a declared type or extension that says otherwise is
 * recorded as a mismatch.
 */
export async function storeFile(deps: StoreFileDeps, input: StoreFileInput): Promise<FileRow> {
  const name = cleanFileName(input.name);
  const blocked = await readBlockedFileTypes(deps.database.db, input.tenantId);
  const declaredType = input.declaredType?.trim() || null;
  if (isBlocked(blocked, { mimeTypes: [declaredType], extensions: [extensionOf(name)] })) {
    input.content.destroy();
    return refuseBlocked(deps, input, name, declaredType, declaredType ?? extensionOf(name));
  }

  const inspection = inspect(deps.maxUploadBytes, blocked, name);
  const temporaryKey = storageKeys.temporary(randomUUID());
  const [copied, stored] = await Promise.allSettled([
    pipeline(input.content, inspection.stream),
    deps.fileStore.put(temporaryKey, inspection.stream),
  ]);
  const discard = () => deps.fileStore.delete(temporaryKey).catch(() => {});
  const failure = inspection.refusal() ?? failed(copied) ?? failed(stored);
  if (failure) {
    await discard();
    if (failure instanceof BlockedError) {
      return refuseBlocked(deps, input, name, declaredType, failure.sniffed.contentType, failure.sniffed);
    }
    throw asStoreFailure(failure);
  }

  const { size, sample, sha256 } = inspection.result();
  if (size === 0) {
    await discard();
    throw new AppError('unprocessable', `The file ${name} is empty`, { reason: 'file_empty' });
  }
  if (input.expectedSize !== undefined && size !== input.expectedSize) {
    await discard();
    throw new AppError('unprocessable', `The file ${name} arrived incomplete`, { reason: 'file_truncated' });
  }
  const sniffed = inspection.sniffed() ?? (await sniffType(sample, true));
  if (isBlocked(blocked, { mimeTypes: [sniffed.contentType], extensions: [sniffed.extension] })) {
    await discard();
    return refuseBlocked(deps, input, name, declaredType, sniffed.contentType, sniffed);
  }

  const fileId = randomUUID();
  const key = storageKeys.content(input.tenantId, fileId);
  try {
    await deps.fileStore.move(temporaryKey, key);
  } catch (error) {
    await discard();
    throw error;
  }
  const preview: Record<string, unknown> = { typeMismatch: typeMismatch(sniffed, { name, declaredType }) };
  if (sniffed.text) {
    preview.text = new TextDecoder().decode(sample.subarray(0, EXCERPT_BYTES), { stream: true });
    preview.textTruncated = size > EXCERPT_BYTES;
  }
  try {
    return await deps.database.db.transaction(async (tx) => {
      const row = await insertFile(tx, {
        id: fileId,
        tenantId: input.tenantId,
        sessionId: input.sessionId,
        messageId: input.messageId ?? null,
        name,
        size,
        sha256,
        contentType: sniffed.contentType,
        declaredType,
        storageKey: key,
        preview,
        status: 'stored',
        createdBy: input.createdBy,
      });
      // In the same transaction: the job exists only if the file does.
      if (deps.jobs && canThumbnail(sniffed.contentType)) {
        await deps.jobs.send(makeFilePreview, { fileId }, { tx });
      }
      await input.inTransaction?.(tx, row);
      return row;
    });
  } catch (error) {
    await deps.fileStore.delete(key).catch(() => {});
    throw error;
  }
}

class BlockedError extends Error {
  constructor(readonly sniffed: SniffedType) {
    super('blocked file type');
  }
}

/** Errors of the store itself: the disk or the bucket. Anything else broke on the sending side. */
const STORE_ERROR_CODES = new Set([
  'ENOSPC',
  'EACCES',
  'EPERM',
  'EROFS',
  'EDQUOT',
  'EIO',
  'EMFILE',
  'EEXIST',
]);

/**
 * A failure on the store's side stays a server error (500, logged); one on the sending side (a dropped
 * connection, a cut-off multipart body, a failed channel download) is the upload's fault.
 */
function asStoreFailure(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const e = error as { $metadata?: unknown; code?: string };
  if (e.$metadata !== undefined || (e.code && STORE_ERROR_CODES.has(e.code))) return error;
  return new AppError('unprocessable', 'The upload did not complete', { reason: 'upload_incomplete' });
}

function failed(result: PromiseSettledResult<unknown>): unknown {
  return result.status === 'rejected' ? (result.reason ?? new Error('failed')) : undefined;
}

/**
 * A pass-through that hashes and counts, keeps the first bytes, stops at the size limit, and as soon as it has
 * seen enough bytes sniffs the type and stops a blocked file before the rest of it is read.
 */
function inspect(maxBytes: number, blocked: BlockedFileTypes, name: string) {
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  let sniffed: SniffedType | undefined;
  let refusal: Error | undefined;
  const refuse = (error: Error) => {
    refusal ??= error;
    return error;
  };
  const stream = new Transform({
    async transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) {
        return done(
          refuse(
            new AppError('payload_too_large', `The file ${name} is larger than ${formatBytes(maxBytes)}`, {
              reason: 'file_too_large',
              limitBytes: maxBytes,
            }),
          ),
        );
      }
      hash.update(chunk);
      if (headBytes < SNIFF_BYTES) {
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes >= SNIFF_BYTES) {
          sniffed = await sniffType(Buffer.concat(head).subarray(0, SNIFF_BYTES), false);
          if (isBlocked(blocked, { mimeTypes: [sniffed.contentType], extensions: [sniffed.extension] })) {
            return done(refuse(new BlockedError(sniffed)));
          }
        }
      }
      done(null, chunk);
    },
  });
  return {
    stream,
    refusal: () => refusal,
    sniffed: () => sniffed,
    result: () => ({
      size,
      sha256: hash.digest('hex'),
      sample: Buffer.concat(head).subarray(0, SNIFF_BYTES),
    }),
  };
}

async function refuseBlocked(
  deps: StoreFileDeps,
  input: StoreFileInput,
  name: string,
  declaredType: string | null,
  type: string,
  sniffed?: SniffedType,
): Promise<FileRow> {
  const message = `blocked file: ${name}, ${type}`;
  if (input.onBlocked === 'refuse') {
    throw new AppError('unprocessable', `Files of this type are blocked: ${name} (${type})`, {
      reason: 'file_type_blocked',
      name,
      type,
    });
  }
  return deps.database.db.transaction(async (tx) => {
    const row = await insertFile(tx, {
      tenantId: input.tenantId,
      sessionId: input.sessionId,
      messageId: input.messageId ?? null,
      name,
      contentType: sniffed?.contentType ?? null,
      declaredType,
      status: 'blocked',
      error: message,
      createdBy: input.createdBy,
    });
    await input.inTransaction?.(tx, row);
    return row;
  });
}

/**
 * A name fit to show and to offer as a download name: the last path segment only, no control characters, at
 * most 255 characters. Never used to build a storage key.
 */
export function cleanFileName(raw: string): string {
  const base = (raw.split(/[\\/]/).pop() ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
  const name = base === '.' || base === '..' ? '' : base;
  return [...(name || 'file')].slice(0, 255).join('');
}
