import { Readable } from 'node:stream';
import sharp from 'sharp';
import { Type } from 'typebox';
import type { Database } from '../db/database.js';
import { defineJob } from '../jobs/job-definition.js';
import { storageKeys, type FileStore } from './file-store.js';
import { findFileById, mergeFilePreview } from './files.repo.js';
import { announceFileChange } from './message-attachments.js';

/** Images a thumbnail is made of (what sharp reads safely). */
const THUMBNAIL_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/tiff',
]);
/** Larger images are shown by name and size only. */
const MAX_THUMBNAIL_SOURCE_BYTES = 50 * 1024 * 1024;
/**
 * Decoding is refused above this many pixels before any is allocated: a tiny file can declare 50,000 × 50,000
 * pixels (an image bomb) and would otherwise take gigabytes of memory.
 */
export const MAX_THUMBNAIL_INPUT_PIXELS = 40_000_000;
const THUMBNAIL_EDGE = 320;

export function canThumbnail(contentType: string | null): boolean {
  return contentType !== null && THUMBNAIL_TYPES.has(contentType);
}

/**
 * Makes an image's thumbnail once and stores it beside the file. A job rather than part of the upload: decoding
 * an image is CPU work that belongs on the worker, it must not slow the operator's upload, and a failed store
 * write is retried. An image that cannot be decoded (or is a bomb) gets a reason instead, and is not retried.
 * Either way the file's message is announced again (operators and the web chat widget).
 */
export const makeFilePreview = defineJob({
  name: 'make-file-preview',
  payload: Type.Object({ fileId: Type.String({ format: 'uuid' }) }),
  retry: { limit: 3, delaySeconds: 30, backoff: true },
  expireInSeconds: 120,
  async handle(deps: { database: Database; fileStore: FileStore }, payload) {
    const file = await findFileById(deps.database.db, payload.fileId);
    if (!file || file.status !== 'stored' || !file.storageKey || !canThumbnail(file.contentType)) return;
    if (file.preview?.thumbnail) return;
    // The preview lands with an announcement of its message, so clients show it without reloading.
    const finish = (patch: Record<string, unknown>, attachmentPatch: Record<string, unknown>) =>
      deps.database.db.transaction(async (tx) => {
        // The updated row, not the one read at the start: the file may have joined its message meanwhile (the
        // row lock orders this against that; whichever commits second announces the preview).
        const current = await mergeFilePreview(tx, file.id, patch);
        if (current) await announceFileChange(tx, current, attachmentPatch);
      });
    if ((file.size ?? 0) > MAX_THUMBNAIL_SOURCE_BYTES) {
      const thumbnailError = 'The image is too large to preview';
      await finish({ thumbnailError }, { thumbnailError });
      return;
    }
    const content = await deps.fileStore.get(file.storageKey);
    let thumbnail: { data: Buffer; width: number; height: number };
    try {
      thumbnail = await makeThumbnail(content);
    } catch (error) {
      content.destroy();
      const thumbnailError = `No preview: ${(error as Error).message}`;
      await finish({ thumbnailError }, { thumbnailError });
      return;
    }
    const key = storageKeys.thumbnail(file.tenantId, file.id);
    await deps.fileStore.put(key, Readable.from([thumbnail.data]), { contentType: 'image/webp' });
    await finish(
      { thumbnail: { key, width: thumbnail.width, height: thumbnail.height, contentType: 'image/webp' } },
      { thumbnail: { width: thumbnail.width, height: thumbnail.height } },
    );
  },
});

/** A small WebP of an image stream, upright (EXIF orientation applied), never larger than the original. */
export async function makeThumbnail(
  content: Readable,
): Promise<{ data: Buffer; width: number; height: number }> {
  const transformer = sharp({ limitInputPixels: MAX_THUMBNAIL_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 });
  content.on('error', (error) => transformer.destroy(error));
  content.pipe(transformer);
  const { data, info } = await transformer.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
