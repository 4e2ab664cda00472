import fastifyCors from '@fastify/cors';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { errorResponses } from '../../http/schemas.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import {
  customerTyping,
  endChatByCustomer,
  rateChat,
  recordReceipt,
  sendCustomerMessage,
} from './customer-actions.js';
import {
  Conversation,
  KeyParams,
  RatingBody,
  ReceiptBody,
  SendBody,
  SendReply,
  StartChatBody,
  StartChatReply,
  TypingBody,
  WidgetConfig,
} from './webchat.schema.js';
import {
  createVisitor,
  requireVisitor,
  requireWidget,
  updateVisitorProfile,
  visitorConversation,
} from './webchat-visitor.js';
import { findVisitorByToken } from './webchat.repo.js';
import { sha256Hex } from '../../lib/tokens.js';
import type { Config } from '../../config.js';
import type { FileStore } from '../../files/file-store.js';
import { readBlockedFileTypes } from '../../files/files.repo.js';
import { WEBCHAT_MAX_FILES } from './webchat-adapter.js';
import { webchatFilesRoutes } from './webchat-files.routes.js';

export const VISITOR_HEADER = 'x-visitor-token';

const tokenOf = (request: FastifyRequest) => {
  const value = request.headers[VISITOR_HEADER];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The public API the web chat widget calls from customers' pages, keyed by the widget's public key. No cookies:
 * the visitor proves who they are with the token the widget received when the chat started.
 */
export const webchatRoutes: FastifyPluginAsyncTypebox<{
  engine: EngineDeps & { fileStore: FileStore };
  config: Config;
}> = async (app, { engine, config }) => {
  const db = engine.database.db;
  await app.register(fastifyCors, {
    origin: true,
    credentials: false,
    allowedHeaders: ['content-type', VISITOR_HEADER],
  });
  const tags = ['web chat (widget)'];
  const limited = (max: number) => ({
    access: 'public' as const,
    rateLimit: { max, timeWindow: '1 minute' },
  });

  app.get(
    '/webchat/:key/config',
    {
      config: { access: 'public' },
      schema: { tags, params: KeyParams, response: { 200: WidgetConfig, ...errorResponses } },
    },
    async (request) => {
      const account = await requireWidget(db, request.params.key);
      const form = (account.settings.entryForm ?? {}) as Record<string, boolean>;
      return {
        name: account.name,
        entryForm: { name: form.name ?? true, email: form.email ?? false, question: form.question ?? true },
        greeting: typeof account.settings.greeting === 'string' ? account.settings.greeting : null,
        files: {
          maxUploadBytes: config.maxUploadBytes,
          maxFilesPerMessage: WEBCHAT_MAX_FILES,
          blockedFileTypes: await readBlockedFileTypes(db, account.tenantId),
        },
      };
    },
  );

  await app.register(webchatFilesRoutes, { engine, config, tokenOf });

  app.post(
    '/webchat/:key/chat',
    {
      config: limited(30),
      schema: {
        tags,
        summary: 'Start (or resume) a chat; the first question opens the session',
        params: KeyParams,
        body: StartChatBody,
        response: { 200: StartChatReply, ...errorResponses },
      },
    },
    async (request) => {
      const account = await requireWidget(db, request.params.key);
      const existingToken = tokenOf(request);
      let visitor = existingToken ? await findVisitorByToken(db, sha256Hex(existingToken)) : undefined;
      if (visitor && visitor.channelAccountId !== account.id) visitor = undefined;
      let token: string | undefined;
      const profile = {
        ...(request.body.name ? { name: request.body.name } : {}),
        ...(request.body.email ? { email: request.body.email } : {}),
      };
      if (!visitor) {
        const created = await db.transaction((tx) => createVisitor(tx, account, profile));
        visitor = created.visitor;
        token = created.token;
      } else {
        await updateVisitorProfile(db, visitor.contactId, profile);
      }
      if (request.body.question) {
        await sendCustomerMessage(engine, visitor, {
          clientMessageId: request.body.clientMessageId ?? `start-${Date.now()}`,
          text: request.body.question,
          pageUrl: request.body.pageUrl,
        });
      }
      return {
        ...(token ? { token } : {}),
        visitorId: visitor.id,
        conversation: await visitorConversation(db, visitor),
      };
    },
  );

  app.get(
    '/webchat/:key/chat',
    {
      config: limited(120),
      schema: {
        tags,
        summary: 'The open chat with all its messages (after a reload)',
        params: KeyParams,
        response: { 200: Conversation, ...errorResponses },
      },
    },
    async (request) => {
      const { visitor } = await requireVisitor(db, request.params.key, tokenOf(request));
      return visitorConversation(db, visitor);
    },
  );

  app.post(
    '/webchat/:key/messages',
    {
      config: limited(120),
      schema: { tags, params: KeyParams, body: SendBody, response: { 200: SendReply, ...errorResponses } },
    },
    async (request) => {
      const { visitor } = await requireVisitor(db, request.params.key, tokenOf(request));
      return sendCustomerMessage(engine, visitor, request.body);
    },
  );

  app.post(
    '/webchat/:key/receipts',
    {
      config: limited(240),
      schema: {
        tags,
        summary: 'The widget received or showed operator messages',
        params: KeyParams,
        body: ReceiptBody,
        response: { 200: Type.Object({ updated: Type.Integer() }), ...errorResponses },
      },
    },
    async (request) => {
      const { visitor } = await requireVisitor(db, request.params.key, tokenOf(request));
      return recordReceipt(engine, visitor, request.body);
    },
  );

  app.post(
    '/webchat/:key/typing',
    {
      config: limited(240),
      schema: {
        tags,
        params: KeyParams,
        body: TypingBody,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { visitor } = await requireVisitor(db, request.params.key, tokenOf(request));
      await customerTyping(engine, visitor, request.body.typing);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webchat/:key/end',
    {
      config: limited(30),
      schema: {
        tags,
        params: KeyParams,
        response: { 200: Type.Object({ sessionId: Type.String() }), ...errorResponses },
      },
    },
    async (request) => {
      const { visitor } = await requireVisitor(db, request.params.key, tokenOf(request));
      return endChatByCustomer(engine, visitor);
    },
  );

  app.post(
    '/webchat/:key/rating',
    {
      config: limited(30),
      schema: {
        tags,
        params: KeyParams,
        body: RatingBody,
        response: {
          200: Type.Object({ sessionId: Type.String(), rating: Type.Integer() }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { visitor } = await requireVisitor(db, request.params.key, tokenOf(request));
      return rateChat(engine, visitor, request.body);
    },
  );
};
