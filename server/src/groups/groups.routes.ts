import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import { canSeeGroup } from '../auth/actor.js';
import type { EngineDeps } from '../sessions/engine-deps.js';
import { AppError } from '../http/app-error.js';
import { errorResponses, IdParams, ListOf } from '../http/schemas.js';
import { deleteGroup } from './delete-group.js';
import { findGroup, listGroups } from './groups.repo.js';
import { CreateGroupBody, Group, SetMembersBody, UpdateGroupBody } from './groups.schema.js';
import { saveGroup } from './save-group.js';
import { setGroupMembers } from './set-group-members.js';

export const groupsRoutes: FastifyPluginAsyncTypebox<{ engine: EngineDeps }> = async (
  app,
  { engine: deps },
) => {
  const tags = ['groups'];

  // Every operator sees all groups' names: they are transfer targets.
  app.get(
    '/groups',
    { config: { access: 'operator' }, schema: { tags, response: { 200: ListOf(Group), ...errorResponses } } },
    async (request) => ({ items: await listGroups(deps.database.db, actorOf(request).tenantId) }),
  );

  app.get(
    '/groups/:id',
    {
      config: { access: 'operator' },
      schema: { tags, params: IdParams, response: { 200: Group, ...errorResponses } },
    },
    async (request) => {
      const actor = actorOf(request);
      const group = await findGroup(deps.database.db, actor.tenantId, request.params.id);
      if (!group) throw AppError.notFound('Group');
      return group;
    },
  );

  app.post(
    '/groups',
    {
      config: { access: 'admin' },
      schema: { tags, body: CreateGroupBody, response: { 201: Group, ...errorResponses } },
    },
    async (request, reply) =>
      reply.status(201).send(await saveGroup(deps, actorOf(request), undefined, request.body)),
  );

  app.patch(
    '/groups/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, body: UpdateGroupBody, response: { 200: Group, ...errorResponses } },
    },
    async (request) => saveGroup(deps, actorOf(request), request.params.id, request.body),
  );

  app.put(
    '/groups/:id/members',
    {
      config: { access: 'supervisor' },
      schema: { tags, params: IdParams, body: SetMembersBody, response: { 200: Group, ...errorResponses } },
    },
    async (request) => {
      const actor = actorOf(request);
      if (!canSeeGroup(actor, request.params.id)) throw AppError.forbidden('You do not supervise this group');
      return setGroupMembers(deps, actor, request.params.id, request.body.members);
    },
  );

  app.delete(
    '/groups/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Delete a group nothing refers to',
        description:
          'Refused (409, `details.reason`) while it is the default group, used by routing rules or templates, ' +
          'or once any session was in it.',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deleteGroup(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
