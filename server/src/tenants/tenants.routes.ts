import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../auth/access-plugin.js';
import type { Database } from '../db/database.js';
import { errorResponses } from '../http/schemas.js';
import { readTenantSettings } from './read-tenant-settings.js';
import { TenantSettings, UpdateTenantSettingsBody } from './tenants.schema.js';
import { updateTenantSettings } from './update-tenant-settings.js';

export const tenantsRoutes: FastifyPluginAsyncTypebox<{ database: Database }> = async (app, deps) => {
  const tags = ['tenant'];

  // Operators read them: the workspace needs to know whether a wrap-up reason is required.
  app.get(
    '/tenant/settings',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'The tenant’s settings',
        response: { 200: TenantSettings, ...errorResponses },
      },
    },
    async (request) => readTenantSettings(deps.database.db, actorOf(request).tenantId),
  );

  app.patch(
    '/tenant/settings',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change some of the tenant’s settings',
        body: UpdateTenantSettingsBody,
        response: { 200: TenantSettings, ...errorResponses },
      },
    },
    async (request) => updateTenantSettings(deps, actorOf(request), request.body),
  );
};
