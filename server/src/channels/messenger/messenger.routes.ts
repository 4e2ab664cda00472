import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../auth/access-plugin.js';
import type { Config } from '../../config.js';
import { AppError } from '../../http/app-error.js';
import { errorResponses } from '../../http/schemas.js';
import type { JobDeps } from '../../jobs/all-jobs.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { HubQuery } from '../whatsapp/whatsapp.schema.js';
import { connectMessengerAccount } from './connect-messenger-account.js';
import { configureMessenger } from './messenger-runtime.js';
import { ConnectMessengerBody, MessengerAccount } from './messenger.schema.js';
import { receiveMessengerWebhook } from './receive-messenger-webhook.js';
import { verifyMessengerSubscription } from './verify-messenger-subscription.js';

interface Options {
  config: Config;
  secretBox: SecretBox;
  engine: JobDeps;
}

/** Meta batches Messenger events; a generous limit that still refuses absurd bodies. */
const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

/** The Messenger channel's HTTP side: Meta's webhook at /webhooks/messenger and the admin API to connect a Page. */
export const messengerRoutes: FastifyPluginAsyncTypebox<Options> = async (app, options) => {
  configureMessenger({
    graph: options.config.graphApi,
    secretBox: options.secretBox,
    jobs: options.engine.jobs,
    fileStore: options.engine.fileStore,
    maxUploadBytes: options.config.maxUploadBytes,
    now: options.engine.now,
  });
  const deps = { database: options.engine.database, secretBox: options.secretBox };

  app.post(
    '/api/v1/channel-accounts/messenger',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['channel accounts'],
        summary: 'Connect a Facebook Page (Messenger); its secrets are stored encrypted and never returned',
        body: ConnectMessengerBody,
        response: { 201: MessengerAccount, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await connectMessengerAccount(deps, actorOf(request), request.body)),
  );

  const webhookRoutes: FastifyPluginAsyncTypebox = async (webhook) => {
    // Signatures are over the exact bytes Meta sent: this plugin keeps bodies raw.
    webhook.removeAllContentTypeParsers();
    webhook.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    webhook.get(
      '/webhooks/messenger',
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
        const challenge = await verifyMessengerSubscription(deps, {
          mode: request.query['hub.mode'],
          token: request.query['hub.verify_token'],
          challenge: request.query['hub.challenge'],
        });
        if (challenge === null) return reply.status(403).type('text/plain').send('Forbidden');
        return reply.type('text/plain').send(challenge);
      },
    );

    webhook.post(
      '/webhooks/messenger',
      {
        config: { access: 'public', webhookOf: 'messenger' },
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: {
          tags: ['webhooks'],
          summary:
            'Messenger Platform webhook (signed with X-Hub-Signature-256); 200 once everything is stored',
          response: { 200: Type.Object({ received: Type.Boolean() }) },
        },
      },
      async (request) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['x-hub-signature-256'];
        const outcome = await receiveMessengerWebhook(
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
