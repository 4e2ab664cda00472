import type { Readable } from 'node:stream';
import type { Actor } from '../auth/actor.js';
import { AppError } from '../http/app-error.js';
import { findVisibleSession } from '../sessions/session-access.js';
import { deleteFileRows, type FileRow } from './files.repo.js';
import { storeFile, type StoreFileDeps } from './store-file.js';

export interface UploadedPart {
  filename: string;
  mimetype: string;
  file: Readable;
}

/**
 * An operator (or an API key) adds files to a session they may see, several in one request, each streamed to
 * the store. All or nothing: if one file is refused, those stored before it in the same request are removed.
 */
export async function uploadSessionFiles(
  deps: StoreFileDeps,
  actor: Actor,
  input: { sessionId: string; parts: AsyncIterable<UploadedPart> },
): Promise<FileRow[]> {
  const session = await findVisibleSession(deps.database.db, actor, input.sessionId);
  if (session.state === 'ended')
    throw new AppError('conflict', 'The session has ended; no files can be added');
  const stored: FileRow[] = [];
  try {
    for await (const part of input.parts) {
      stored.push(
        await storeFile(deps, {
          tenantId: actor.tenantId,
          sessionId: session.id,
          name: part.filename,
          declaredType: part.mimetype,
          content: part.file,
          createdBy: actor.kind === 'user' ? 'operator' : 'system',
          onBlocked: 'refuse',
        }),
      );
    }
  } catch (error) {
    await discardFiles(deps, actor.tenantId, stored);
    throw asUploadError(error);
  }
  if (stored.length === 0)
    throw new AppError('validation_failed', 'Send one or more files as multipart/form-data');
  return stored;
}

/** Removes files stored by a request that is then refused: their rows and their contents. */
export async function discardFiles(deps: StoreFileDeps, tenantId: string, rows: FileRow[]) {
  await deleteFileRows(
    deps.database.db,
    tenantId,
    rows.map((r) => r.id),
  );
  for (const row of rows) if (row.storageKey) await deps.fileStore.delete(row.storageKey).catch(() => {});
}

/** Multipart failures come from the parser with their own codes; the client gets ours. */
export function asUploadError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return new AppError('unsupported_media_type', 'Send the files as multipart/form-data');
  }
  if (e.statusCode === 413) return new AppError('payload_too_large', e.message ?? 'Too many files or parts');
  if (e.statusCode && e.statusCode < 500) return error;
  return new AppError('validation_failed', 'The upload was malformed or ended early');
}
