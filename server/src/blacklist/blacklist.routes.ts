import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { errorResponses, IdParams, ListOf } from '../http/schemas.js';
import { addToBlacklist } from './add-to-blacklist.js';
import { removeFromBlacklist } from './remove-from-blacklist.js';
import { updateBlacklistEntry } from './update-blacklist-entry.js';
import { findEntry, listEntries } from './blacklist.repo.js';
import { BlacklistEntry, CreateBlacklistEntryBody, UpdateBlacklistEntryBody } from './blacklist.schema.js';

export const blacklistRoutes: FastifyPluginAsyncTypebox<{ database: Database }> = async (app, deps) => {
  const tags = ['blacklist'];

  app.get(
    '/blacklist',
    {
      config: { access: 'admin' },
      schema: { tags, response: { 200: ListOf(BlacklistEntry), ...errorResponses } },
    },
    async (request) => ({ items: await listEntries(deps.database.db, actorOf(request).tenantId) }),
  );

  app.get(
    '/blacklist/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: { 200: BlacklistEntry, ...errorResponses } },
    },
    async (request) => {
      const entry = await findEntry(deps.database.db, actorOf(request).tenantId, request.params.id);
      if (!entry) throw AppError.notFound('Blacklist entry');
      return entry;
    },
  );

  app.post(
    '/blacklist',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Refuse a contact or a raw identity (phone, wa_id, e-mail, …)',
        body: CreateBlacklistEntryBody,
        response: { 201: BlacklistEntry, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addToBlacklist(deps, actorOf(request), request.body)),
  );

  app.patch(
    '/blacklist/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        params: IdParams,
        body: UpdateBlacklistEntryBody,
        response: { 200: BlacklistEntry, ...errorResponses },
      },
    },
    async (request) => updateBlacklistEntry(deps, actorOf(request), request.params.id, request.body.reason),
  );

  app.delete(
    '/blacklist/:id',
    {
      config: { access: 'admin' },
      schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await removeFromBlacklist(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
