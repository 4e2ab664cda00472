import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../auth/access-plugin.js';
import { hasRole } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { errorResponses, IdParams, ListOf } from '../http/schemas.js';
import { deleteWrapupReason } from './delete-wrapup-reason.js';
import { saveWrapupReason } from './save-wrapup-reason.js';
import { findReason, listReasons } from './wrapup.repo.js';
import {
  CreateWrapupReasonBody,
  DeleteWrapupReasonReply,
  ListWrapupReasonsQuery,
  UpdateWrapupReasonBody,
  WrapupReason,
} from './wrapup.schema.js';

export const wrapupRoutes: FastifyPluginAsyncTypebox<{ database: Database }> = async (app, deps) => {
  const tags = ['wrap-up reasons'];

  app.get(
    '/wrapup-reasons',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Wrap-up reasons to pick from at the end of a session',
        querystring: ListWrapupReasonsQuery,
        response: { 200: ListOf(WrapupReason), ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (request.query.includeInactive && !hasRole(actor, 'admin'))
        throw AppError.forbidden('Only administrators see deactivated reasons');
      return { items: await listReasons(deps.database.db, actor.tenantId, request.query) };
    },
  );

  app.get(
    '/wrapup-reasons/:id',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: WrapupReason, ...errorResponses } },
    },
    async (request) => {
      const reason = await findReason(deps.database.db, actorOf(request).tenantId, request.params.id);
      if (!reason) throw AppError.notFound('Wrap-up reason');
      return reason;
    },
  );

  app.post(
    '/wrapup-reasons',
    {
      config: { access: 'admin' },
      schema: { tags, body: CreateWrapupReasonBody, response: { 201: WrapupReason, ...errorResponses } },
    },
    async (request, reply) =>
      reply.status(201).send(await saveWrapupReason(deps, actorOf(request), undefined, request.body)),
  );

  app.patch(
    '/wrapup-reasons/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: IdParams,
        body: UpdateWrapupReasonBody,
        response: { 200: WrapupReason, ...errorResponses },
      },
    },
    async (request) => saveWrapupReason(deps, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/wrapup-reasons/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Delete a reason, or deactivate it when a session used it',
        params: IdParams,
        response: { 200: DeleteWrapupReasonReply, ...errorResponses },
      },
    },
    async (request) => deleteWrapupReason(deps, actorOf(request), request.params.id),
  );
};
