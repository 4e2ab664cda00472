import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { bearerToken, safeEqual, sha256Hex } from '../lib/tokens.js';
import { hasRole, type Actor, type UserRole } from './actor.js';
import { findActorByApiKey, findActorBySession } from './auth.repo.js';

/** What a route requires: nobody (`public`), or a signed-in user or API key of at least this role. */
export type Access = 'public' | UserRole;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export const SESSION_COOKIE = 'sb_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ResolvedActor {
  actor: Actor;
  via: 'cookie' | 'api_key';
  csrfToken?: string;
}

/** Finds who is calling from a bearer API key or the session cookie. Shared by HTTP and the socket handshake. */
export async function resolveActor(
  database: Database,
  headers: { authorization?: string | undefined },
  cookies: Record<string, string | undefined>,
  now: Date,
): Promise<ResolvedActor | undefined> {
  const bearer = bearerToken(headers);
  if (bearer) {
    const actor = await findActorByApiKey(database.db, sha256Hex(bearer), now);
    if (!actor) throw AppError.unauthenticated('The API key is not valid');
    return { actor, via: 'api_key' };
  }
  const token = cookies[SESSION_COOKIE];
  if (!token) return undefined;
  const found = await findActorBySession(database.db, sha256Hex(token), now);
  return found && { actor: found.actor, via: 'cookie', csrfToken: found.csrfToken };
}

/** The actor of a route that is not public; the access hook has already refused anonymous calls. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw AppError.unauthenticated();
  return request.actor;
}

/**
 * The one place where every API call is authenticated and its role checked. Routes declare `config.access`;
 * a route under /api/v1 without it fails at start, so none can be left open by mistake.
 */
export const accessPlugin = fp(
  async (app: FastifyInstance, opts: { database: Database; now: () => Date }) => {
    app.decorateRequest('actor', null);
    app.addHook('onRoute', (route) => {
      // CORS preflight answers carry no data.
      const preflight = ([] as string[]).concat(route.method).every((m) => m === 'OPTIONS');
      if (route.url.startsWith('/api/v1') && route.config?.access === undefined && !preflight) {
        throw new Error(`Route ${route.method} ${route.url} declares no access`);
      }
    });
    app.addHook('onRequest', async (request) => {
      const access = request.routeOptions.config.access;
      if (access === undefined) return;
      const resolved = await resolveActor(opts.database, request.headers, request.cookies, opts.now());
      request.actor = resolved?.actor ?? null;
      if (access === 'public') return;
      if (!resolved) throw AppError.unauthenticated();
      if (resolved.via === 'cookie' && !SAFE_METHODS.has(request.method)) {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || !resolved.csrfToken || !safeEqual(sent, resolved.csrfToken)) {
          throw new AppError('csrf_failed', `Send the ${CSRF_HEADER} header from GET /api/v1/auth/me`);
        }
      }
      if (!hasRole(resolved.actor, access)) throw AppError.forbidden();
    });
  },
);
