import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { mediaLifetimes, type StoredMedia } from '../state/media-store.js';
import { graphError } from './graph-error.js';
import { readMultipart } from './multipart.js';

const mb = 1024 * 1024;

/** Supported upload types and size limits (Meta's media table). */
const limits: { test: (mime: string) => boolean; max: number }[] = [
  {
    test: (m) => ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'].includes(m),
    max: 16 * mb,
  },
  {
    test: (m) =>
      [
        'text/plain',
        'application/pdf',
        'application/msword',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.ms-excel',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/vnd.ms-powerpoint',
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      ].includes(m),
    max: 100 * mb,
  },
  { test: (m) => m === 'image/jpeg' || m === 'image/png', max: 5 * mb },
  { test: (m) => m === 'image/webp', max: 500 * 1024 },
  { test: (m) => m === 'video/mp4' || m === 'video/3gpp', max: 16 * mb },
];

/** `POST /{version}/{phone-number-id}/media` (multipart `file`, `type`, `messaging_product`) → `{id}`. */
export async function uploadWhatsAppMedia(
  ctx: SandboxContext,
  request: FastifyRequest,
  phoneNumberId: string,
) {
  const { fields, files } = await readMultipart('whatsapp', request);
  if (fields.messaging_product !== 'whatsapp') {
    throw graphError('whatsapp', 100, { details: 'The parameter messaging_product is required.' });
  }
  const file = files.find((f) => f.fieldname === 'file');
  if (!file) throw graphError('whatsapp', 100, { details: 'The parameter file is required.' });
  const mime = (fields.type ?? file.mimetype).split(';')[0]!.trim().toLowerCase();
  const limit = limits.find((l) => l.test(mime));
  if (!limit) {
    throw graphError('whatsapp', 100, {
      details: `Param file must be a file with one of the supported types, not ${mime}.`,
    });
  }
  if (file.data.length > limit.max) {
    throw graphError('whatsapp', 131053, {
      details: `File size ${file.data.length} exceeds the ${limit.max} bytes limit for ${mime}.`,
    });
  }
  const media = ctx.media.add({
    product: 'whatsapp',
    owner: phoneNumberId,
    mimeType: fields.type ?? file.mimetype,
    filename: file.filename,
    data: file.data,
    expiresAt: ctx.clock.now() + mediaLifetimes.whatsappUpload,
  });
  return { id: media.id };
}

function liveMedia(
  ctx: SandboxContext,
  id: string,
  allowed: string[],
  query: Record<string, unknown>,
): StoredMedia {
  const media = ctx.media.get(id, ctx.clock.now());
  const scoped =
    typeof query.phone_number_id === 'string' ? allowed.filter((a) => a === query.phone_number_id) : allowed;
  if (!media || media.product !== 'whatsapp' || !scoped.includes(media.owner)) {
    throw graphError('whatsapp', 100, {
      details: `Unsupported request - method type: get. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      subcode: 33,
    });
  }
  return media;
}

/** `GET /{version}/{media-id}` → a download URL valid five minutes, plus type, hash and size. */
export function getWhatsAppMediaUrl(
  ctx: SandboxContext,
  id: string,
  allowed: string[],
  query: Record<string, unknown>,
) {
  const media = liveMedia(ctx, id, allowed, query);
  return {
    messaging_product: 'whatsapp',
    url: ctx.media.whatsappUrl(ctx.baseUrl(), media.id, ctx.clock.now()),
    mime_type: media.mimeType,
    sha256: media.sha256,
    file_size: media.data.length,
    id: media.id,
  };
}

/** `DELETE /{version}/{media-id}` → `{success:true}`. */
export function deleteWhatsAppMedia(
  ctx: SandboxContext,
  id: string,
  allowed: string[],
  query: Record<string, unknown>,
) {
  liveMedia(ctx, id, allowed, query).deleted = true;
  return { success: true };
}

/** Whether `id` names live WhatsApp media (to route `GET /{version}/{id}`). */
export function isWhatsAppMedia(ctx: SandboxContext, id: string): boolean {
  return ctx.media.get(id, ctx.clock.now())?.product === 'whatsapp';
}

/**
 * `GET /whatsapp_business/attachments/?mid&ext&hash` — the download URL: needs a valid bearer token (401
 * without), 404 once expired or forged.
 */
export async function downloadWhatsAppMedia(
  ctx: SandboxContext,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const query = request.query as Record<string, string | undefined>;
  const auth = request.headers.authorization;
  const token = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth)?.[1] : undefined;
  if (!token || ctx.revokedTokens.has(token) || !ctx.options.numbers.some((n) => n.accessToken === token)) {
    return reply.status(401).type('text/plain').send('Unauthorized');
  }
  const ext = Number(query.ext);
  const media = query.mid ? ctx.media.get(query.mid, ctx.clock.now()) : undefined;
  const valid =
    media &&
    Number.isFinite(ext) &&
    query.hash === ctx.media.sign(media.id, ext) &&
    ext * 1000 > ctx.clock.now();
  if (!valid) return reply.status(404).type('text/plain').send('URL signature expired');
  return reply
    .header('content-type', media.mimeType)
    .header('content-length', media.data.length)
    .send(media.data);
}
