import type { FastifyReply, FastifyRequest } from 'fastify';
import { extensionOf } from './check-upload.js';
import type { ByteRange, FileStore } from './file-store.js';

/** Types a browser shows without running anything: served inline; everything else is a download. */
const INLINE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
  'audio/mpeg',
  'audio/mp4',
  'audio/ogg',
  'audio/wav',
  'audio/aac',
  'audio/webm',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'application/pdf',
  'text/plain',
]);
/** Names a browser or the desktop might execute or render as a page, whatever the type says. */
const NEVER_INLINE_EXTENSIONS = new Set([
  'html',
  'htm',
  'xhtml',
  'shtml',
  'svg',
  'svgz',
  'js',
  'mjs',
  'xml',
  'xsl',
]);

export interface ServedFile {
  name: string;
  size: number;
  contentType: string | null;
  storageKey: string;
  sha256: string | null;
}

/**
 * Streams a stored file with the headers that keep it harmless: the sniffed type with `nosniff`, a sandboxing
 * Content-Security-Policy, inline only for safe types, and a Content-Disposition with the RFC 6266 `filename*`.
 * Answers byte ranges (206) so audio and video play and seek, and 416 for a range past the end.
 */
export async function sendFileContent(
  request: FastifyRequest,
  reply: FastifyReply,
  store: FileStore,
  file: ServedFile,
  options: { download?: boolean } = {},
) {
  const type = file.contentType ?? 'application/octet-stream';
  const inline =
    !options.download && INLINE_TYPES.has(type) && !NEVER_INLINE_EXTENSIONS.has(extensionOf(file.name));
  reply
    .header('content-type', type.startsWith('text/') ? `${type}; charset=utf-8` : type)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', file.name))
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, max-age=3600');
  // A PDF viewer does not run in a sandboxed document; PDFs get the rest of the protection.
  if (type !== 'application/pdf') {
    reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  }
  if (file.sha256) {
    const etag = `"${file.sha256}"`;
    reply.header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  }

  const range = parseRange(request.headers.range, file.size);
  if (range === 'unsatisfiable') {
    reply.removeHeader('content-disposition');
    return reply
      .status(416)
      .header('content-range', `bytes */${file.size}`)
      .header('content-type', 'application/json; charset=utf-8')
      .send({
        error: {
          code: 'range_not_satisfiable',
          message: `The file has ${file.size} bytes; the requested range is outside it`,
        },
      });
  }
  if (!range) {
    reply.header('content-length', file.size);
    return reply.status(200).send(await store.get(file.storageKey));
  }
  reply
    .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
    .header('content-length', range.end - range.start + 1);
  return reply.status(206).send(await store.get(file.storageKey, range));
}

/**
 * One `bytes=` range (the form players use); several ranges or a malformed header are ignored and the whole file
 * is sent, as RFC 9110 allows.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [, from, to] = match;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}

/** `attachment; filename="plain_ascii.txt"; filename*=UTF-8''%C4%8Dau.txt` (RFC 6266 with RFC 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
