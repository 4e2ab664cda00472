import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { GraphError } from './graph-error.js';
import { requirePageToken, requireWhatsAppToken } from './auth.js';
import { uploadMessengerAttachment } from './messenger-attachments.js';
import { normaliseMessengerBody } from './messenger-body.js';
import { getMessengerProfile } from './messenger-profile.js';
import { sendMessengerMessage } from './messenger-send.js';
import { readMultipart } from './multipart.js';
import {
  deleteWhatsAppMedia,
  getWhatsAppMediaUrl,
  isWhatsAppMedia,
  uploadWhatsAppMedia,
} from './whatsapp-media.js';
import { markWhatsAppRead } from './whatsapp-mark-read.js';
import { sendWhatsAppMessage } from './whatsapp-send.js';
import { createTemplate } from './whatsapp-template-create.js';
import { listTemplates } from './whatsapp-template-list.js';

interface NodeParams {
  version: string;
  node: string;
}

/** Meta answers paths it does not know with code 100 / subcode 33 ("Unsupported … request"). */
function unsupported(method: string, node: string): GraphError {
  return new GraphError(
    400,
    100,
    `Unsupported ${method.toLowerCase()} request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    undefined,
    33,
  );
}

function checkVersion(request: FastifyRequest<{ Params: NodeParams }>): void {
  if (!/^v\d+\.\d+$/.test(request.params.version)) {
    throw new GraphError(400, 2500, `Unknown path components: /${request.params.version}`);
  }
}

function queryOf(request: FastifyRequest): Record<string, string | undefined> {
  return request.query as Record<string, string | undefined>;
}

/** The Graph API routes: WhatsApp Cloud API and Messenger Platform, dispatched on the node id like Meta. */
export function registerGraphRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const waNumber = (id: string) => ctx.options.numbers.find((n) => n.phoneNumberId === id);
  const page = (id: string) => ctx.options.pages.find((p) => p.pageId === id);

  app.post<{ Params: NodeParams }>('/:version/:node/messages', async (request) => {
    checkVersion(request);
    const { node } = request.params;
    const number = waNumber(node);
    if (number) {
      const allowed = requireWhatsAppToken(ctx, request);
      if (!allowed.some((n) => n.phoneNumberId === node)) throw unsupported('post', node);
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (body.messaging_product !== 'whatsapp') {
        throw new GraphError(
          400,
          100,
          'Invalid parameter',
          'The parameter messaging_product is required.',
          undefined,
          'whatsapp',
        );
      }
      if (body.status !== undefined) return markWhatsAppRead(ctx, node, body);
      return sendWhatsAppMessage(ctx, request, node, body);
    }
    if (node !== 'me' && !page(node)) throw unsupported('post', node);
    const multipart = request.isMultipart() ? await readMultipart('messenger', request) : undefined;
    if (multipart) (request as { body?: unknown }).body = multipart.fields;
    const tokenPage = requirePageToken(ctx, request);
    if (node !== 'me' && node !== tokenPage.pageId) throw unsupported('post', node);
    const body = normaliseMessengerBody(request.body);
    return sendMessengerMessage(
      ctx,
      request,
      tokenPage,
      body,
      multipart?.files.find((f) => f.fieldname === 'filedata'),
    );
  });

  app.post<{ Params: NodeParams }>('/:version/:node/media', async (request) => {
    checkVersion(request);
    const { node } = request.params;
    if (!waNumber(node)) throw unsupported('post', node);
    const allowed = requireWhatsAppToken(ctx, request);
    if (!allowed.some((n) => n.phoneNumberId === node)) throw unsupported('post', node);
    return uploadWhatsAppMedia(ctx, request, node);
  });

  app.post<{ Params: NodeParams }>('/:version/:node/message_attachments', async (request) => {
    checkVersion(request);
    const { node } = request.params;
    if (node !== 'me' && !page(node)) throw unsupported('post', node);
    const tokenPage = requirePageToken(ctx, request);
    if (node !== 'me' && node !== tokenPage.pageId) throw unsupported('post', node);
    return uploadMessengerAttachment(ctx, request, tokenPage);
  });

  app.get<{ Params: NodeParams }>('/:version/:node/message_templates', async (request) => {
    checkVersion(request);
    const { node } = request.params;
    const allowed = requireWhatsAppToken(ctx, request);
    if (!allowed.some((n) => n.wabaId === node)) throw unsupported('get', node);
    const self = new URL(request.url, ctx.baseUrl()).toString();
    return listTemplates(ctx, node, queryOf(request), self);
  });

  app.post<{ Params: NodeParams }>('/:version/:node/message_templates', async (request) => {
    checkVersion(request);
    const { node } = request.params;
    const allowed = requireWhatsAppToken(ctx, request);
    if (!allowed.some((n) => n.wabaId === node)) throw unsupported('post', node);
    return createTemplate(ctx, node, (request.body ?? {}) as Record<string, unknown>);
  });

  app.get<{ Params: NodeParams }>('/:version/:node', async (request) => {
    checkVersion(request);
    const { node } = request.params;
    // One path serves two products: media ids go to WhatsApp, page-scoped ids to the User Profile API.
    const waToken = ctx.options.numbers.some(
      (n) => request.headers.authorization === `Bearer ${n.accessToken}`,
    );
    if (isWhatsAppMedia(ctx, node) || (waToken && !ctx.customers.findMessenger(node))) {
      const allowed = requireWhatsAppToken(ctx, request);
      return getWhatsAppMediaUrl(
        ctx,
        node,
        allowed.map((n) => n.phoneNumberId),
        queryOf(request),
      );
    }
    const tokenPage = requirePageToken(ctx, request);
    if (!ctx.customers.findMessenger(node)) throw unsupported('get', node);
    return getMessengerProfile(ctx, tokenPage, node, queryOf(request).fields);
  });

  app.delete<{ Params: NodeParams }>('/:version/:node', async (request) => {
    checkVersion(request);
    const allowed = requireWhatsAppToken(ctx, request);
    return deleteWhatsAppMedia(
      ctx,
      request.params.node,
      allowed.map((n) => n.phoneNumberId),
      queryOf(request),
    );
  });
}

/** Sends a GraphError in Meta's envelope. */
export function sendGraphError(reply: FastifyReply, error: GraphError) {
  return reply.status(error.httpStatus).send(error.toEnvelope());
}
