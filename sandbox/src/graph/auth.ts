import type { FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import type { MessengerPageOptions, WhatsAppNumberOptions } from '../options.js';
import { GraphError, type Product } from './graph-error.js';

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

function tokenError(product: Product, missing: boolean, status: number): GraphError {
  const title = missing
    ? 'An active access token must be used to query information about the current user.'
    : 'Invalid OAuth access token - Cannot parse access token';
  return new GraphError(status, 190, title, undefined, undefined, product);
}

/** The WhatsApp numbers a bearer token may act for (every number of the token's WABA); 190 otherwise. */
export function requireWhatsAppToken(
  ctx: SandboxContext,
  request: FastifyRequest,
): Required<WhatsAppNumberOptions>[] {
  const token = bearer(request);
  if (!token) throw tokenError('whatsapp', true, 401);
  const owner = ctx.options.numbers.find((n) => n.accessToken === token);
  if (!owner || ctx.revokedTokens.has(token)) throw tokenError('whatsapp', false, 401);
  return ctx.options.numbers.filter((n) => n.wabaId === owner.wabaId);
}

/** The page whose token the request carries (`access_token` in query, body or a Bearer header); 190 otherwise. */
export function requirePageToken(
  ctx: SandboxContext,
  request: FastifyRequest,
): Required<MessengerPageOptions> {
  const query = request.query as Record<string, unknown>;
  const body = (request.body ?? {}) as Record<string, unknown>;
  const token =
    (typeof query.access_token === 'string' && query.access_token) ||
    (typeof body.access_token === 'string' && body.access_token) ||
    bearer(request);
  if (!token) throw tokenError('messenger', true, 400);
  const page = ctx.options.pages.find((p) => p.pageAccessToken === token);
  if (!page || ctx.revokedTokens.has(token)) throw tokenError('messenger', false, 400);
  return page;
}
