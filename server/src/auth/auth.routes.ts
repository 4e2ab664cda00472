import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Database } from '../db/database.js';
import { ErrorBody, errorResponses, Uuid } from '../http/schemas.js';
import { sha256Hex } from '../lib/tokens.js';
import { actorOf, resolveActor, SESSION_COOKIE } from './access-plugin.js';
import { deleteAuthSession, findActorBySession } from './auth.repo.js';
import { logIn } from './log-in.js';

const Me = Type.Object({
  id: Uuid,
  tenantId: Uuid,
  kind: Type.Union([Type.Literal('user'), Type.Literal('api_key')]),
  name: Type.String(),
  role: Type.Union([Type.Literal('operator'), Type.Literal('supervisor'), Type.Literal('admin')]),
  groupIds: Type.Union([Type.Array(Uuid), Type.Literal('all')]),
  csrfToken: Type.Optional(Type.String()),
});

export interface AuthRoutesOptions {
  database: Database;
  now: () => Date;
  secureCookies: boolean;
  sessionTtlHours: number;
  loginRateLimitPerMinute: number;
}

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, opts) => {
  app.post(
    '/auth/login',
    {
      config: {
        access: 'public',
        rateLimit: {
          max: opts.loginRateLimitPerMinute,
          timeWindow: '1 minute',
          // Per address and per account, so one attacker cannot lock everyone out and cannot spread guesses.
          keyGenerator: (request) =>
            `${request.ip}|${String((request.body as { email?: unknown })?.email ?? '').toLowerCase()}`,
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: Type.Object(
          {
            email: Type.String({ minLength: 3, maxLength: 320 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Me, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const result = await logIn(
        { db: opts.database.db, now: opts.now, sessionTtlHours: opts.sessionTtlHours },
        request.body,
      );
      reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.secureCookies,
        expires: result.expiresAt,
      });
      const session = await findActorBySession(opts.database.db, sha256Hex(result.token), opts.now());
      return { ...session!.actor, csrfToken: result.csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: 'operator' },
      schema: { tags: ['auth'], response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await deleteAuthSession(opts.database.db, sha256Hex(token));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in, and the CSRF token for changes',
        response: { 200: Me, ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const resolved = await resolveActor(opts.database, request.headers, request.cookies, opts.now());
      return { ...actor, csrfToken: resolved?.csrfToken };
    },
  );
};
