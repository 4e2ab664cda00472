import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { accessPlugin } from './auth/access-plugin.js';
import { authRoutes } from './auth/auth.routes.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { AppError } from './http/app-error.js';
import { answerClientError, registerErrorHandling } from './http/error-handler.js';
import { validatorCompiler } from './http/validation.js';
import type { JobDeps } from './jobs/all-jobs.js';
import type { SecretBox } from './lib/secret-box.js';
import { filesRoutes } from './files/files.routes.js';
import { groupsRoutes } from './groups/groups.routes.js';
import { apiKeysRoutes } from './admin/api-keys.routes.js';
import { operatorsRoutes } from './operators/operators.routes.js';
import { sessionsRoutes } from './sessions/sessions.routes.js';
import { registerSocketEvents } from './sessions/socket-events.js';
import { webchatRoutes } from './channels/webchat/webchat.routes.js';
import { widgetAssetsRoutes } from './channels/webchat/widget-assets.routes.js';
import { authenticateVisitor } from './channels/webchat/webchat-socket-auth.js';
import { whatsappRoutes } from './channels/whatsapp/whatsapp.routes.js';
import { messengerRoutes } from './channels/messenger/messenger.routes.js';
import { channelAccountsRoutes } from './channels/channel-accounts.routes.js';
import { attachRealtime, type Realtime } from './realtime/socket-server.js';
import { blacklistRoutes } from './blacklist/blacklist.routes.js';
import { contactsRoutes } from './contacts/contacts.routes.js';
import { tagsRoutes } from './tags/tags.routes.js';
import { templatesRoutes } from './templates/templates.routes.js';
import { wrapupRoutes } from './wrapup/wrapup.routes.js';
import { routingRulesRoutes } from './routing-rules/routing-rules.routes.js';
import { tenantsRoutes } from './tenants/tenants.routes.js';
import { metricsRoutes } from './metrics/metrics.routes.js';
import { webhooksRoutes } from './webhooks/webhooks.routes.js';
import { configureWebhooks } from './webhooks/webhooks-runtime.js';

export interface AppDeps {
  config: Config;
  database: Database;
  secretBox: SecretBox;
  /** The conversation engine: clock, job queue, channel adapters (see sessions/create-engine.ts). */
  engine: JobDeps;
  logger?: FastifyBaseLogger;
  /** Where the built workspace is served from (web/dist unless a test built it elsewhere). */
  webDist?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime;
  }
}

const defaultWebDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Builds the HTTP and WebSocket application. It never listens: main.ts (or a test) decides where. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps;
  const { engine } = deps;
  const now = engine.now;
  configureWebhooks({
    secretBox: deps.secretBox,
    allowPrivateNetworks: config.webhooks.allowPrivateNetworks,
  });
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.nodeEnv === 'production',
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandling(app);

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    // After the body is parsed, so the key can include the account being tried.
    hook: 'preHandler',
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many attempts; try again in ${Math.ceil(context.ttl / 1000)} s`),
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Switchboard API',
        version: '1.0.0',
        description: 'The public REST API of Switchboard.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key issued in administration' },
          session: { type: 'apiKey', in: 'cookie', name: 'sb_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(accessPlugin, { database, now });
  await app.register(metricsRoutes, { metrics: engine.metrics, token: config.metrics.token });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await database.query('SELECT 1');
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'database unavailable' });
    }
  });

  const secureCookies = config.publicUrl.startsWith('https:');
  await app.register(
    async (api) => {
      api.get(
        '/openapi.json',
        { config: { access: 'public' }, schema: { hide: true, response: { 200: Type.Unknown() } } },
        async () => app.swagger(),
      );
      await api.register(authRoutes, {
        database,
        now,
        secureCookies,
        sessionTtlHours: config.authSessionTtlHours,
        loginRateLimitPerMinute: config.loginRateLimitPerMinute,
      });
      await api.register(operatorsRoutes, { engine });
      await api.register(sessionsRoutes, { engine });
      await api.register(webchatRoutes, { engine, config });
      await api.register(groupsRoutes, { engine });
      await api.register(apiKeysRoutes, { database, now });
      await api.register(tenantsRoutes, { database });
      await api.register(routingRulesRoutes, { database });
      await api.register(blacklistRoutes, { database });
      await api.register(contactsRoutes, { database, now, fileStore: engine.fileStore });
      await api.register(templatesRoutes, { database });
      await api.register(tagsRoutes, { database });
      await api.register(channelAccountsRoutes, {
        database,
        secretBox: deps.secretBox,
        publicUrl: config.publicUrl,
      });
      await api.register(wrapupRoutes, { database });
      await api.register(webhooksRoutes, { database, jobs: engine.jobs, now });
    },
    { prefix: '/api/v1' },
  );
  // Files register at the root: their API under /api/v1, signed links at /files/signed/:token.
  await app.register(filesRoutes, { config, database, now, jobs: engine.jobs, fileStore: engine.fileStore });
  await app.register(whatsappRoutes, { config, secretBox: deps.secretBox, engine });
  await app.register(messengerRoutes, { config, secretBox: deps.secretBox, engine });
  await app.register(widgetAssetsRoutes);

  const webDist = deps.webDist ?? defaultWebDist;
  if (existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false });
    app.get('/*', { schema: { hide: true } }, (request, reply) =>
      request.url.startsWith('/api/') ? reply.callNotFound() : reply.sendFile('index.html'),
    );
  }

  const realtime = await attachRealtime(app, {
    database,
    now,
    allowedOrigins: socketOrigins(config.publicUrl),
    authenticateVisitor: (auth) => authenticateVisitor(database, auth),
  });
  registerSocketEvents(realtime, engine);
  app.decorate('realtime', realtime);
  // Before the HTTP server closes: it waits for open connections, and upgraded sockets count.
  app.addHook('preClose', async () => realtime.close());
  return app;
}

/** The public URL's origin; on loopback, its other spellings too (people type localhost for 127.0.0.1). */
function socketOrigins(publicUrl: string): string[] {
  const url = new URL(publicUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return [url.origin];
  const port = url.port ? `:${url.port}` : '';
  return ['127.0.0.1', 'localhost', '[::1]'].map((host) => `${url.protocol}//${host}${port}`);
}
