import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { and, asc, eq, type SQL } from 'drizzle-orm';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import type { Database } from '../db/database.js';
import { channelAccounts } from '../db/schema.js';
import { errorResponses, ListOf } from '../http/schemas.js';

const ChannelName = Type.Union([
  Type.Literal('webchat'),
  Type.Literal('whatsapp'),
  Type.Literal('messenger'),
]);

/** What an operator may know of a channel account: never its credentials. */
export const ChannelAccountSummary = Type.Object({
  id: Type.String(),
  channel: ChannelName,
  name: Type.String(),
  /** The WhatsApp number as people dial it, where known. */
  displayPhoneNumber: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
});

/** The tenant's channel accounts, for choosing a number or a Page (a new WhatsApp session, filters). */
export const channelAccountsRoutes: FastifyPluginAsyncTypebox<{ database: Database }> = async (app, deps) => {
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
      const actor = actorOf(request);
      const conditions: SQL[] = [eq(channelAccounts.tenantId, actor.tenantId)];
      if (request.query.channel) conditions.push(eq(channelAccounts.channel, request.query.channel));
      const rows = await deps.database.db
        .select()
        .from(channelAccounts)
        .where(and(...conditions))
        .orderBy(asc(channelAccounts.channel), asc(channelAccounts.name));
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
};
