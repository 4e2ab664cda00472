import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import type { MessengerPageOptions } from '../options.js';
import { mediaLifetimes } from '../state/media-store.js';
import { GraphError } from './graph-error.js';
import { normaliseMessengerBody } from './messenger-body.js';
import { readMultipart } from './multipart.js';

const invalid = (details: string) => new GraphError(400, 100, details, undefined, undefined, 'messenger');

/**
 * `POST /{version}/me/message_attachments`: JSON `message.attachment.payload.url` or multipart `message` +
 * `filedata` → `{attachment_id}`, reusable for 90 days.
 */
export async function uploadMessengerAttachment(
  ctx: SandboxContext,
  request: FastifyRequest,
  page: Required<MessengerPageOptions>,
) {
  const multipart = request.isMultipart() ? await readMultipart('messenger', request) : undefined;
  const body = normaliseMessengerBody(multipart ? multipart.fields : request.body);
  const attachment = (
    body.message as { attachment?: { type?: unknown; payload?: Record<string, unknown> } } | undefined
  )?.attachment;
  if (!attachment || !['image', 'audio', 'video', 'file'].includes(String(attachment.type))) {
    throw invalid('The parameter message[attachment][type] must be one of image, audio, video, file');
  }
  if (attachment.payload?.is_reusable !== true && attachment.payload?.is_reusable !== 'true') {
    throw invalid('Attachments must be uploaded with is_reusable set to true');
  }
  const file = multipart?.files.find((f) => f.fieldname === 'filedata');
  const url = attachment.payload?.url;
  if (!file && typeof url !== 'string') throw invalid('Either payload[url] or filedata is required');
  if (file && attachment.type === 'audio' && !file.mimetype.startsWith('audio/')) {
    throw invalid('Audio uploads need an audio/* content type');
  }
  const media = ctx.media.add({
    product: 'messenger',
    owner: page.pageId,
    mimeType: file?.mimetype ?? 'application/octet-stream',
    filename: file?.filename,
    data: file?.data ?? Buffer.alloc(0),
    expiresAt: ctx.clock.now() + mediaLifetimes.messengerAttachment,
    sourceUrl: file ? undefined : (url as string),
  });
  return { attachment_id: media.id };
}
