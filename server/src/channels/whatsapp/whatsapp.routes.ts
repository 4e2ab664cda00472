import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../auth/access-plugin.js';
import type { Config } from '../../config.js';
import { AppError } from '../../http/app-error.js';
import { errorResponses, IdParams, ListOf } from '../../http/schemas.js';
import { Message, Session } from '../../sessions/sessions.schema.js';
import { startOutboundSession } from './start-outbound-session.js';
import { GraphError } from './call-graph.js';
import { sendWhatsAppTemplate } from './send-whatsapp-template.js';
import { syncTemplatesJob, syncWhatsAppTemplates } from './sync-whatsapp-templates.js';
import { listTemplates } from './whatsapp-templates.repo.js';
import { findWhatsAppAccount } from './whatsapp.repo.js';
import type { JobDeps } from '../../jobs/all-jobs.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { connectWhatsAppAccount } from './connect-whatsapp-account.js';
import { receiveWebhook } from './receive-webhook.js';
import { verifySubscription } from './verify-subscription.js';
import { configureWhatsApp, whatsappRuntime } from './whatsapp-runtime.js';
import {
  ConnectWhatsAppBody,
  HubQuery,
  OutboundSessionBody,
  SendTemplateBody,
  WhatsAppAccount,
  WhatsAppTemplate,
} from './whatsapp.schema.js';

interface Options {
  config: Config;
  secretBox: SecretBox;
  engine: JobDeps;
}

/** Meta's webhook payloads go up to 3 MB. */
const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

/** The WhatsApp channel's HTTP side: Meta's webhook at /webhooks/whatsapp and the admin API to connect a number. */
export const whatsappRoutes: FastifyPluginAsyncTypebox<Options> = async (app, options) => {
  configureWhatsApp({
    graph: options.config.graphApi,
    secretBox: options.secretBox,
    jobs: options.engine.jobs,
    maxUploadBytes: options.config.maxUploadBytes,
    fileStore: options.engine.fileStore,
  });
  const deps = { database: options.engine.database, secretBox: options.secretBox };

  app.post(
    '/api/v1/channel-accounts/whatsapp',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['channel accounts'],
        summary: 'Connect a WhatsApp number (Cloud API); its secrets are stored encrypted and never returned',
        body: ConnectWhatsAppBody,
        response: { 201: WhatsAppAccount, ...errorResponses },
      },
    },
    async (request, reply) => {
      const account = await connectWhatsAppAccount(deps, actorOf(request), request.body);
      await options.engine.jobs.send(syncTemplatesJob, { channelAccountId: account.id });
      return reply.status(201).send(account);
    },
  );

  const tenantAccount = async (tenantId: string, id: string) => {
    const account = await findWhatsAppAccount(options.engine.database.db, id);
    if (!account || account.tenantId !== tenantId) throw AppError.notFound('WhatsApp number');
    return account;
  };

  app.get(
    '/api/v1/channel-accounts/:id/whatsapp-templates',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['channel accounts'],
        summary: 'The number’s WhatsApp templates: approved ones, or all with `all=true`',
        params: IdParams,
        querystring: Type.Object({ all: Type.Boolean({ default: false }) }),
        response: { 200: ListOf(WhatsAppTemplate), ...errorResponses },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const account = await tenantAccount(actor.tenantId, request.params.id);
      const rows = await listTemplates(options.engine.database.db, actor.tenantId, account.id, {
        approvedOnly: !request.query.all,
      });
      return { items: rows.map(({ tenantId: _t, channelAccountId: _c, ...row }) => row) };
    },
  );

  app.post(
    '/api/v1/channel-accounts/:id/whatsapp-templates/sync',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['channel accounts'],
        summary: 'Read the number’s templates from its WhatsApp Business Account now',
        params: IdParams,
        response: { 200: Type.Object({ synced: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => {
      const account = await tenantAccount(actorOf(request).tenantId, request.params.id);
      try {
        return await syncWhatsAppTemplates(
          { database: options.engine.database, now: options.engine.now, runtime: whatsappRuntime() },
          account,
        );
      } catch (error) {
        if (error instanceof GraphError)
          throw new AppError('unavailable', `Meta refused the template list: ${error.title}`);
        throw error;
      }
    },
  );

  app.post(
    '/api/v1/sessions/:id/whatsapp-template',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['sessions'],
        summary: 'Send an approved WhatsApp template in the session (allowed outside the 24-hour window)',
        params: IdParams,
        body: SendTemplateBody,
        response: { 201: Message, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await sendWhatsAppTemplate(options.engine, actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/api/v1/whatsapp/outbound-sessions',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['sessions'],
        summary: 'Write to a customer first: an approved template to a phone number or a contact (seed 001)',
        body: OutboundSessionBody,
        response: { 201: Session, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await startOutboundSession(options.engine, actorOf(request), request.body)),
  );

  const webhookRoutes: FastifyPluginAsyncTypebox = async (webhook) => {
    // Signatures are over the exact bytes Meta sent: this plugin keeps bodies raw.
    webhook.removeAllContentTypeParsers();
    webhook.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    webhook.get(
      '/webhooks/whatsapp',
      {
        config: { access: 'public' },
        schema: {
          tags: ['webhooks'],
          summary: 'Meta’s subscription handshake',
          querystring: HubQuery,
          response: { 200: Type.String(), 403: Type.String() },
        },
      },
      async (request, reply) => {
        const challenge = await verifySubscription(deps, {
          mode: request.query['hub.mode'],
          token: request.query['hub.verify_token'],
          challenge: request.query['hub.challenge'],
        });
        if (challenge === null) return reply.status(403).type('text/plain').send('Forbidden');
        return reply.type('text/plain').send(challenge);
      },
    );

    webhook.post(
      '/webhooks/whatsapp',
      {
        config: { access: 'public', webhookOf: 'whatsapp' },
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: {
          tags: ['webhooks'],
          summary:
            'WhatsApp Cloud API webhook (signed with X-Hub-Signature-256); 200 once everything is stored',
          response: { 200: Type.Object({ received: Type.Boolean() }) },
        },
      },
      async (request) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['x-hub-signature-256'];
        const outcome = await receiveWebhook(
          { engine: options.engine, secretBox: options.secretBox, logger: request.log },
          { rawBody, signature: typeof signature === 'string' ? signature : undefined },
        );
        if (outcome.status === 401)
          throw new AppError('unauthenticated', 'The X-Hub-Signature-256 signature is missing or wrong');
        if (outcome.status === 400) throw new AppError('invalid_json', 'The body is not a JSON object');
        if (outcome.status === 500)
          throw new AppError('unavailable', 'Part of the webhook could not be stored; deliver it again');
        return { received: true };
      },
    );
  };
  await app.register(webhookRoutes);
};
