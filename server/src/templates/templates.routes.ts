import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import { canSeeGroup } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { errorResponses, IdParams, ListOf } from '../http/schemas.js';
import { deleteTemplate } from './delete-template.js';
import { renderForSession } from './render-for-session.js';
import { saveTemplate } from './save-template.js';
import { findTemplate, listTemplates } from './templates.repo.js';
import {
  CreateTemplateBody,
  ListTemplatesQuery,
  RenderedTemplate,
  RenderTemplateBody,
  Template,
  UpdateTemplateBody,
} from './templates.schema.js';

export const templatesRoutes: FastifyPluginAsyncTypebox<{ database: Database }> = async (app, deps) => {
  const tags = ['templates'];

  app.get(
    '/templates',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Canned replies: the tenant’s, and those of the groups you see',
        querystring: ListTemplatesQuery,
        response: { 200: ListOf(Template), ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return {
        items: await listTemplates(deps.database.db, actor.tenantId, {
          groupIds: actor.groupIds,
          q: request.query.q,
        }),
      };
    },
  );

  app.get(
    '/templates/:id',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: Template, ...errorResponses } },
    },
    async (request) => {
      const actor = actorOf(request);
      const template = await findTemplate(deps.database.db, actor.tenantId, request.params.id);
      if (!template || (template.groupId && !canSeeGroup(actor, template.groupId)))
        throw AppError.notFound('Template');
      return template;
    },
  );

  app.post(
    '/templates',
    {
      config: { access: 'admin' },
      schema: { tags, body: CreateTemplateBody, response: { 201: Template, ...errorResponses } },
    },
    async (request, reply) =>
      reply.status(201).send(await saveTemplate(deps, actorOf(request), undefined, request.body)),
  );

  app.patch(
    '/templates/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: IdParams,
        body: UpdateTemplateBody,
        response: { 200: Template, ...errorResponses },
      },
    },
    async (request) => saveTemplate(deps, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/templates/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await deleteTemplate(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/templates/:id/render',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Fill a template for a session: its contact, and you as the operator',
        params: IdParams,
        body: RenderTemplateBody,
        response: { 200: RenderedTemplate, ...errorResponses },
      },
    },
    async (request) => renderForSession(deps, actorOf(request), request.params.id, request.body.sessionId),
  );
};
