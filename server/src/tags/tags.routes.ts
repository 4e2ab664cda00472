import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import type { Database } from '../db/database.js';
import { errorResponses, IdParams, ListOf } from '../http/schemas.js';
import { findVisibleSession } from '../sessions/session-access.js';
import { deleteTag } from './delete-tag.js';
import { saveTag } from './save-tag.js';
import { setSessionTags } from './set-session-tags.js';
import { listTags, tagsOfSession } from './tags.repo.js';
import { CreateTagBody, SessionTag, SetSessionTagsBody, Tag, UpdateTagBody } from './tags.schema.js';

export const tagsRoutes: FastifyPluginAsyncTypebox<{ database: Database }> = async (app, deps) => {
  const tags = ['tags'];

  app.get(
    '/tags',
    { config: { access: 'operator' }, schema: { tags, response: { 200: ListOf(Tag), ...errorResponses } } },
    async (request) => ({ items: await listTags(deps.database.db, actorOf(request).tenantId) }),
  );

  app.post(
    '/tags',
    {
      config: { access: 'admin' },
      schema: { tags, body: CreateTagBody, response: { 201: Tag, ...errorResponses } },
    },
    async (request, reply) =>
      reply.status(201).send(await saveTag(deps, actorOf(request), undefined, request.body)),
  );

  app.patch(
    '/tags/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, body: UpdateTagBody, response: { 200: Tag, ...errorResponses } },
    },
    async (request) => saveTag(deps, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/tags/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await deleteTag(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/sessions/:id/tags',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: ListOf(SessionTag), ...errorResponses } },
    },
    async (request) => {
      const actor = actorOf(request);
      const session = await findVisibleSession(deps.database.db, actor, request.params.id);
      return { items: await tagsOfSession(deps.database.db, actor.tenantId, session.id) };
    },
  );

  app.put(
    '/sessions/:id/tags',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Replace the tags of a session',
        params: IdParams,
        body: SetSessionTagsBody,
        response: { 200: ListOf(SessionTag), ...errorResponses },
      },
    },
    async (request) => ({
      items: await setSessionTags(deps, actorOf(request), request.params.id, request.body.tagIds),
    }),
  );
};
