import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { errorResponses, IdParams, ListOf } from '../http/schemas.js';
import type { SecretBox } from '../lib/secret-box.js';
import { adminViewOf } from './channel-account-view.js';
import { findTenantChannelAccount, listChannelAccounts } from './channel-accounts.repo.js';
import {
  AdminChannelAccount,
  ChannelAccountSummary,
  ChannelName,
  CreateWebchatBody,
  UpdateChannelAccountBody,
} from './channel-accounts.schema.js';
import { updateChannelAccountSettings } from './update-channel-account.js';
import { createWebchatAccount } from './webchat/create-webchat-account.js';

/**
 * The tenant's channel accounts: for operators, to choose a number or a Page (a new WhatsApp session, filters);
 * for administrators, to set them up (Meta's callback URL, the widget's tag), add web chats and change any account.
 * Connecting a WhatsApp number or a Page is in the channel's own routes.
 */
export const channelAccountsRoutes: FastifyPluginAsyncTypebox<{
  database: Database;
  secretBox: SecretBox;
  publicUrl: string;
}> = async (app, deps) => {
  const view = (row: Parameters<typeof adminViewOf>[1]) => adminViewOf(deps, row);

  app.get(
    '/channel-accounts',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['channels'],
        querystring: Type.Object({ channel: Type.Optional(ChannelName) }),
        response: { 200: ListOf(ChannelAccountSummary), ...errorResponses },
      },
    },
    async (request) => {
      const rows = await listChannelAccounts(
        deps.database.db,
        actorOf(request).tenantId,
        request.query.channel,
      );
      return {
        items: rows.map((row) => ({
          id: row.id,
          channel: row.channel,
          name: row.name,
          displayPhoneNumber:
            typeof row.settings.displayPhoneNumber === 'string' ? row.settings.displayPhoneNumber : null,
          enabled: row.enabled,
        })),
      };
    },
  );

  app.get(
    '/admin/channel-accounts',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['channel accounts'],
        summary:
          'Every channel account with what setting it up needs (callback URL, widget tag); never a secret',
        response: { 200: ListOf(AdminChannelAccount), ...errorResponses },
      },
    },
    async (request) => ({
      items: (await listChannelAccounts(deps.database.db, actorOf(request).tenantId)).map(view),
    }),
  );

  app.post(
    '/channel-accounts/webchat',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['channel accounts'],
        summary: 'Create a web chat widget with a public key of its own',
        body: CreateWebchatBody,
        response: { 201: AdminChannelAccount, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(view(await createWebchatAccount(deps, actorOf(request), request.body))),
  );

  app.get(
    '/channel-accounts/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['channel accounts'],
        summary: 'One channel account as its administrator sees it; never a secret',
        params: IdParams,
        response: { 200: AdminChannelAccount, ...errorResponses },
      },
    },
    async (request) => {
      const row = await findTenantChannelAccount(
        deps.database.db,
        actorOf(request).tenantId,
        request.params.id,
      );
      if (!row) throw AppError.notFound('Channel account');
      return view(row);
    },
  );

  app.patch(
    '/channel-accounts/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['channel accounts'],
        summary:
          'Rename, enable or disable an account, or replace some of its credentials (the rest are kept)',
        params: IdParams,
        body: UpdateChannelAccountBody,
        response: { 200: AdminChannelAccount, ...errorResponses },
      },
    },
    async (request) =>
      view(await updateChannelAccountSettings(deps, actorOf(request), request.params.id, request.body)),
  );
};
