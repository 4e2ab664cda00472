import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, SESSION_COOKIE } from '../auth/access-plugin.js';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { AppError } from '../http/app-error.js';
import { sha256Hex } from '../lib/tokens.js';
import { errorResponses, IdParams, ListOf } from '../http/schemas.js';
import { createOperator } from './create-operator.js';
import { findOperator, listOperators } from './operators.repo.js';
import {
  CreateOperatorBody,
  Operator,
  PresenceReply,
  SetGroupsBody,
  SetPasswordBody,
  SetPresenceBody,
  UpdateOperatorBody,
} from './operators.schema.js';
import { setOperatorGroups } from './set-operator-groups.js';
import { setOperatorPassword } from './set-operator-password.js';
import { setPresence } from './set-presence.js';
import { updateOperator } from './update-operator.js';

export const operatorsRoutes: FastifyPluginAsyncTypebox<{ engine: EngineDeps }> = async (
  app,
  { engine: deps },
) => {
  const tags = ['operators'];

  app.get(
    '/operators',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Operators of the tenant with presence and groups',
        response: { 200: ListOf(Operator), ...errorResponses },
      },
    },
    async (request) => ({ items: await listOperators(deps.database.db, actorOf(request).tenantId) }),
  );

  app.get(
    '/operators/:id',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: Operator, ...errorResponses } },
    },
    async (request) => {
      const operator = await findOperator(deps.database.db, actorOf(request).tenantId, request.params.id);
      if (!operator) throw AppError.notFound('Operator');
      return operator;
    },
  );

  app.post(
    '/operators',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Invite an operator',
        body: CreateOperatorBody,
        response: { 201: Operator, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { id } = await createOperator(deps, actor, request.body);
      return reply.status(201).send((await findOperator(deps.database.db, actor.tenantId, id))!);
    },
  );

  app.patch(
    '/operators/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: IdParams,
        body: UpdateOperatorBody,
        response: { 200: Operator, ...errorResponses },
      },
    },
    async (request) => updateOperator(deps, actorOf(request), request.params.id, request.body),
  );

  app.put(
    '/operators/:id/groups',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Set the groups an operator belongs to (other members stay as they are)',
        params: IdParams,
        body: SetGroupsBody,
        response: { 200: Operator, ...errorResponses },
      },
    },
    async (request) => setOperatorGroups(deps, actorOf(request), request.params.id, request.body.groupIds),
  );

  app.put(
    '/operators/:id/password',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Set a new password for an operator; signs them out everywhere',
        params: IdParams,
        body: SetPasswordBody,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      await setOperatorPassword(deps, actorOf(request), {
        userId: request.params.id,
        password: request.body.password,
        keepSessionId: token ? sha256Hex(token) : undefined,
      });
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/operators/:id/presence',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Set an operator’s presence (your own, or as a supervisor for your groups)',
        params: Type.Object({ id: Type.Union([Type.String({ format: 'uuid' }), Type.Literal('me')]) }),
        body: SetPresenceBody,
        response: { 200: PresenceReply, ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (request.params.id === 'me' && actor.kind !== 'user')
        throw new AppError('unprocessable', 'An API key has no presence');
      const userId = request.params.id === 'me' ? actor.id : request.params.id;
      const result = await setPresence(deps, actor, { userId, ...request.body });
      return { ...result, changedAt: result.changedAt.toISOString() };
    },
  );
};
