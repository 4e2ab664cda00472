import fastifyMultipart, { type Multipart } from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { FileStore } from '../../files/file-store.js';
import { finishReading } from '../../files/finish-reading.js';
import { ErrorBody, errorResponses } from '../../http/schemas.js';
import type { EngineDeps } from '../../sessions/engine-deps.js';
import { sendCustomerFiles, type CustomerUploadPart } from './send-customer-files.js';
import { visitorFileLinks } from './visitor-file-links.js';
import { WEBCHAT_MAX_FILES } from './webchat-adapter.js';
import { FileLinks, FileLinksBody, KeyParams, SendReply } from './webchat.schema.js';
import { requireVisitor } from './webchat-visitor.js';

/** How long the rest of a refused upload is read and dropped before the connection is closed instead. */
const LINGER_MS = 1000;

/**
 * The widget's files: a customer's upload (multipart, streamed to the store) and short-lived links to the files
 * of the chat. Registered inside the web chat routes, so their CORS rules and key apply.
 */
export const webchatFilesRoutes: FastifyPluginAsyncTypebox<{
  engine: EngineDeps & { fileStore: FileStore };
  config: Config;
  tokenOf: (request: FastifyRequest) => string | undefined;
}> = async (app, { engine, config, tokenOf }) => {
  const db = engine.database.db;
  const tags = ['web chat (widget)'];
  const storeDeps = { ...engine, maxUploadBytes: config.maxUploadBytes };
  await app.register(fastifyMultipart, {
    // One byte over the limit is enough to know a file is too large; storeFile then refuses it.
    limits: {
      fileSize: config.maxUploadBytes + 1,
      files: WEBCHAT_MAX_FILES,
      fields: 5,
      fieldSize: 20_000 * 4,
      parts: WEBCHAT_MAX_FILES + 5,
    },
  });
  // A connection whose request was not read to its end is not reused.
  app.addHook('onResponse', async (request) => {
    if (!request.raw.complete) request.raw.socket.destroy();
  });

  app.post(
    '/webchat/:key/files',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary:
          'Send files as the customer (multipart/form-data: clientMessageId, optional text and pageUrl, then the files)',
        consumes: ['multipart/form-data'],
        params: KeyParams,
        response: { 200: SendReply, 413: ErrorBody, 415: ErrorBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      try {
        const { visitor } = await requireVisitor(db, request.params.key, tokenOf(request));
        return await sendCustomerFiles(storeDeps, visitor, uploadParts(request.parts()));
      } catch (error) {
        if (!(await finishReading(request.raw, LINGER_MS))) reply.header('connection', 'close');
        throw error;
      }
    },
  );

  app.post(
    '/webchat/:key/file-links',
    {
      config: { access: 'public', rateLimit: { max: 240, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Short-lived links to files of the chat (to show and download them)',
        params: KeyParams,
        body: FileLinksBody,
        response: { 200: FileLinks, ...errorResponses },
      },
    },
    async (request) => {
      const { visitor } = await requireVisitor(db, request.params.key, tokenOf(request));
      return visitorFileLinks(
        { database: engine.database, config, now: engine.now },
        visitor,
        request.body.fileIds,
      );
    },
  );
};

async function* uploadParts(parts: AsyncIterableIterator<Multipart>): AsyncGenerator<CustomerUploadPart> {
  for await (const part of parts) {
    if (part.type === 'file')
      yield { type: 'file', filename: part.filename, mimetype: part.mimetype, file: part.file };
    else yield { type: 'field', name: part.fieldname, value: String(part.value) };
  }
}
