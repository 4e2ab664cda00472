import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import type { MessengerPageOptions } from '../options.js';
import { mediaLifetimes } from '../state/media-store.js';
import { GraphError } from './graph-error.js';
import { normaliseMessengerBody } from './messenger-body.js';
import { fetchLink } from './fetch-link.js';
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
  let fetched: { data: Buffer; mimeType: string; filename: string } | undefined;
  if (!file && ctx.switches.fetchMediaLinks) {
    const result = await fetchLink(url as string, 75_000, 25 * 1024 * 1024);
    if (!result.ok) throw invalid('Failed to fetch the file from the url');
    const filename = decodeURIComponent(new URL(url as string).pathname.split('/').pop() || 'file');
    fetched = { data: result.data, mimeType: result.mimeType, filename };
  }
  const media = ctx.media.add({
    product: 'messenger',
    owner: page.pageId,
    mimeType: file?.mimetype ?? fetched?.mimeType ?? 'application/octet-stream',
    filename: file?.filename ?? fetched?.filename,
    data: file?.data ?? fetched?.data ?? Buffer.alloc(0),
    expiresAt: ctx.clock.now() + mediaLifetimes.messengerAttachment,
    sourceUrl: file || fetched ? undefined : (url as string),
  });
  return { attachment_id: media.id };
}
