import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { DateTime, errorResponses, IdParams, ListOf, Uuid } from '../http/schemas.js';
import { RoleSchema } from '../operators/operators.schema.js';
import { listApiKeys, revokeApiKey } from './api-keys.repo.js';
import { createApiKey } from './create-api-key.js';
import { recordAudit } from './record-audit.js';

const ApiKey = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  role: RoleSchema,
  createdAt: DateTime,
  lastUsedAt: Type.Union([DateTime, Type.Null()]),
  /** Who issued the key; null when another key did. */
  createdByName: Type.Union([Type.String(), Type.Null()]),
});

export const apiKeysRoutes: FastifyPluginAsyncTypebox<{ database: Database; now: () => Date }> = async (
  app,
  deps,
) => {
  const tags = ['api keys'];

  app.get(
    '/api-keys',
    { config: { access: 'admin' }, schema: { tags, response: { 200: ListOf(ApiKey), ...errorResponses } } },
    async (request) => ({ items: await listApiKeys(deps.database.db, actorOf(request).tenantId) }),
  );

  app.post(
    '/api-keys',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Issue an API key; the key is in this reply only',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 100 }), role: RoleSchema },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([ApiKey, Type.Object({ key: Type.String() })]), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createApiKey(deps, actorOf(request), request.body)),
  );

  app.delete(
    '/api-keys/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await deps.database.db.transaction(async (tx) => {
        if (!(await revokeApiKey(tx, actor.tenantId, request.params.id, deps.now())))
          throw AppError.notFound('API key');
        await recordAudit(tx, actor, 'api_key.revoke', { type: 'api_key', id: request.params.id });
      });
      return reply.status(204).send(null);
    },
  );
};
