import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { errorResponses, IdParams, ListOf } from '../http/schemas.js';
import { deleteRoutingRule } from './delete-routing-rule.js';
import { reorderRoutingRules } from './reorder-routing-rules.js';
import { findRule, listRules } from './routing-rules.repo.js';
import {
  CreateRoutingRuleBody,
  ReorderRoutingRulesBody,
  RoutingRule,
  UpdateRoutingRuleBody,
} from './routing-rules.schema.js';
import { saveRoutingRule } from './save-routing-rule.js';

export const routingRulesRoutes: FastifyPluginAsyncTypebox<{ database: Database }> = async (app, deps) => {
  const tags = ['routing rules'];

  app.get(
    '/routing-rules',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Rules in the order they are tried',
        response: { 200: ListOf(RoutingRule), ...errorResponses },
      },
    },
    async (request) => ({ items: await listRules(deps.database.db, actorOf(request).tenantId) }),
  );

  app.get(
    '/routing-rules/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: { 200: RoutingRule, ...errorResponses } },
    },
    async (request) => {
      const rule = await findRule(deps.database.db, actorOf(request).tenantId, request.params.id);
      if (!rule) throw AppError.notFound('Routing rule');
      return rule;
    },
  );

  app.post(
    '/routing-rules',
    {
      config: { access: 'admin' },
      schema: { tags, body: CreateRoutingRuleBody, response: { 201: RoutingRule, ...errorResponses } },
    },
    async (request, reply) =>
      reply.status(201).send(await saveRoutingRule(deps, actorOf(request), undefined, request.body)),
  );

  app.patch(
    '/routing-rules/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: IdParams,
        body: UpdateRoutingRuleBody,
        response: { 200: RoutingRule, ...errorResponses },
      },
    },
    async (request) => saveRoutingRule(deps, actorOf(request), request.params.id, request.body),
  );

  app.put(
    '/routing-rules/order',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Put every rule in a new order',
        body: ReorderRoutingRulesBody,
        response: { 200: ListOf(RoutingRule), ...errorResponses },
      },
    },
    async (request) => ({ items: await reorderRoutingRules(deps, actorOf(request), request.body.ids) }),
  );

  app.delete(
    '/routing-rules/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await deleteRoutingRule(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
