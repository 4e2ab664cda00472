import fastifyMultipart, { type Multipart } from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/access-plugin.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import { ErrorBody, errorResponses, IdParams, ListOf } from '../http/schemas.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { findVisibleSession } from '../sessions/session-access.js';
import { CHANNEL_FILE_LIMITS, type ChannelFileLimits } from './channel-limits.js';
import { createFileStore, type FileStore } from './file-store.js';
import { findFileById, listSessionFiles, readBlockedFileTypes, type FileRow } from './files.repo.js';
import {
  BlockedFileTypes,
  BlockedFileTypesBody,
  DownloadQuery,
  FileBytes,
  FileInfo,
  SignedUrl,
  SignedUrlBody,
  TokenParams,
  UploadPolicy,
} from './files.schema.js';
import { findVisibleFile } from './find-visible-file.js';
import { configureFiles } from './files-runtime.js';
import { finishReading } from './finish-reading.js';
import { listContactFiles } from './list-contact-files.js';
import { sendFileContent } from './send-file-content.js';
import { setBlockedFileTypes } from './set-blocked-file-types.js';
import { createSignedFileUrl, verifySignedFileToken } from './signed-file-url.js';
import { uploadSessionFiles } from './upload-session-files.js';

export interface FilesRoutesOptions {
  config: Config;
  database: Database;
  now: () => Date;
  jobs?: JobQueue | undefined;
  /** The store; made from the configuration when not given. */
  fileStore?: FileStore;
}

const DEFAULT_LINK_TTL_SECONDS = 15 * 60;
/** How long the rest of a refused upload is read and dropped before its connection is closed instead. */
const LINGER_MS = 1000;
const binaryResponses = {
  200: FileBytes,
  206: FileBytes,
  304: Type.Null(),
  416: ErrorBody,
  ...errorResponses,
};

/**
 * Files: uploads to a session, Session Files, downloads with ranges, thumbnails, signed links, and the tenant's
 * blocked file types. Registered at the root: the API under /api/v1, signed links at /files/signed/:token.
 */
export const filesRoutes: FastifyPluginAsyncTypebox<FilesRoutesOptions> = async (app, options) => {
  const { config, database, now } = options;
  const fileStore = options.fileStore ?? createFileStore(config.fileStore);
  const storeDeps = { database, fileStore, maxUploadBytes: config.maxUploadBytes, jobs: options.jobs };
  const linkDeps = { config, now };
  configureFiles({ orphanFileMaxAgeMs: config.orphanFileMaxAgeMinutes * 60_000 });
  const sendThumbnail = async (request: FastifyRequest, reply: FastifyReply, file: FileRow) => {
    const thumbnail = thumbnailOf(file);
    if (!thumbnail) throw AppError.notFound('Thumbnail');
    const info = await fileStore.stat(thumbnail.key);
    if (!info) throw AppError.notFound('Thumbnail');
    return sendFileContent(request, reply, fileStore, {
      name: `${file.name}.webp`,
      size: info.size,
      contentType: 'image/webp',
      storageKey: thumbnail.key,
      sha256: null,
    });
  };
  const tags = ['files'];

  await app.register(
    async (scope) => {
      const api = scope.withTypeProvider<TypeBoxTypeProvider>();
      // Multipart only here: every other route keeps its JSON parsing.
      await api.register(async (scoped) => {
        const uploads = scoped.withTypeProvider<TypeBoxTypeProvider>();
        await uploads.register(fastifyMultipart, {
          // One byte over the limit is enough to know a file is too large; storeFile then refuses it.
          limits: { fileSize: config.maxUploadBytes + 1, files: 20, fields: 20, fieldSize: 4096, parts: 40 },
        });
        // A connection whose request was not read to its end is not reused (see finishReading).
        uploads.addHook('onResponse', async (request) => {
          if (!request.raw.complete) request.raw.socket.destroy();
        });
        uploads.post(
          '/sessions/:id/files',
          {
            config: { access: 'operator' },
            schema: {
              tags,
              summary: 'Upload files to a session (multipart/form-data, one or more file parts)',
              consumes: ['multipart/form-data'],
              params: IdParams,
              response: { 201: ListOf(FileInfo), 413: ErrorBody, 415: ErrorBody, ...errorResponses },
            },
          },
          async (request, reply) => {
            try {
              const rows = await uploadSessionFiles(storeDeps, actorOf(request), {
                sessionId: request.params.id,
                parts: fileParts(request.parts()),
              });
              return reply.status(201).send({ items: rows.map(presentFile) });
            } catch (error) {
              if (!(await finishReading(request.raw, LINGER_MS))) reply.header('connection', 'close');
              throw error;
            }
          },
        );
      });

      api.get(
        '/sessions/:id/files',
        {
          config: { access: 'operator' },
          schema: {
            tags,
            summary: 'Session Files',
            params: IdParams,
            response: { 200: ListOf(FileInfo), ...errorResponses },
          },
        },
        async (request) => {
          const actor = actorOf(request);
          const session = await findVisibleSession(database.db, actor, request.params.id);
          return {
            items: (await listSessionFiles(database.db, actor.tenantId, [session.id])).map(presentFile),
          };
        },
      );

      api.get(
        '/contacts/:id/files',
        {
          config: { access: 'operator' },
          schema: {
            tags,
            summary: "A contact's files across the sessions the caller may see",
            params: IdParams,
            response: { 200: ListOf(FileInfo), ...errorResponses },
          },
        },
        async (request) => ({
          items: (await listContactFiles({ database }, actorOf(request), request.params.id)).map(presentFile),
        }),
      );

      api.get(
        '/files/upload-policy',
        {
          config: { access: 'operator' },
          schema: {
            tags,
            summary:
              'What may be uploaded: size limit, blocked types, channel limits (to refuse before uploading)',
            response: { 200: UploadPolicy, ...errorResponses },
          },
        },
        async (request) => ({
          maxUploadBytes: config.maxUploadBytes,
          blockedFileTypes: await readBlockedFileTypes(database.db, actorOf(request).tenantId),
          channelLimits: channelLimitsAsData(),
        }),
      );

      api.get(
        '/files/:id',
        {
          config: { access: 'operator' },
          schema: { tags, params: IdParams, response: { 200: FileInfo, ...errorResponses } },
        },
        async (request) =>
          presentFile(await findVisibleFile(database.db, actorOf(request), request.params.id)),
      );

      api.get(
        '/files/:id/content',
        {
          config: { access: 'operator' },
          schema: {
            tags,
            summary: 'The file’s bytes; supports Range',
            params: IdParams,
            querystring: DownloadQuery,
            produces: ['application/octet-stream'],
            response: binaryResponses,
          },
        },
        async (request, reply) => {
          const file = storedOnly(await findVisibleFile(database.db, actorOf(request), request.params.id));
          return sendFileContent(request, reply, fileStore, file, {
            download: request.query.download === true,
          });
        },
      );

      api.get(
        '/files/:id/thumbnail',
        {
          config: { access: 'operator' },
          schema: {
            tags,
            params: IdParams,
            produces: ['image/webp'],
            response: { 200: FileBytes, 304: Type.Null(), ...errorResponses },
          },
        },
        async (request, reply) => {
          const file = await findVisibleFile(database.db, actorOf(request), request.params.id);
          return sendThumbnail(request, reply, file);
        },
      );

      api.post(
        '/files/:id/signed-url',
        {
          config: { access: 'operator' },
          schema: {
            tags,
            params: IdParams,
            body: SignedUrlBody,
            response: { 200: SignedUrl, ...errorResponses },
          },
        },
        async (request) => {
          const file = storedOnly(await findVisibleFile(database.db, actorOf(request), request.params.id));
          const ttl = request.body.ttlSeconds ?? DEFAULT_LINK_TTL_SECONDS;
          return {
            url: createSignedFileUrl(linkDeps, file.id, ttl),
            expiresAt: new Date(now().getTime() + ttl * 1000),
          };
        },
      );

      api.get(
        '/admin/blocked-file-types',
        {
          config: { access: 'admin' },
          schema: { tags, response: { 200: BlockedFileTypes, ...errorResponses } },
        },
        async (request) => readBlockedFileTypes(database.db, actorOf(request).tenantId),
      );

      api.put(
        '/admin/blocked-file-types',
        {
          config: { access: 'admin' },
          schema: {
            tags,
            body: BlockedFileTypesBody,
            response: { 200: BlockedFileTypes, ...errorResponses },
          },
        },
        async (request) => setBlockedFileTypes({ database }, actorOf(request), request.body),
      );
    },
    { prefix: '/api/v1' },
  );

  // Public: the token is the authorisation. Tampered or unknown → 404; expired → 403.
  app.get(
    '/files/signed/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Download by a signed link',
        params: TokenParams,
        querystring: DownloadQuery,
        produces: ['application/octet-stream'],
        response: binaryResponses,
      },
    },
    async (request, reply) => {
      const check = verifySignedFileToken(linkDeps, request.params.token);
      if (!check.ok && check.reason === 'expired') throw AppError.forbidden('The link has expired');
      if (!check.ok) throw AppError.notFound('File');
      const file = await findFileById(database.db, check.fileId);
      if (!file) throw AppError.notFound('File');
      return sendFileContent(request, reply, fileStore, storedOnly(file), {
        download: request.query.download === true,
      });
    },
  );

  // The same link's thumbnail: whoever may have the file may have its preview (the widget shows it inline).
  app.get(
    '/files/signed/:token/thumbnail',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A thumbnail by a signed link',
        params: TokenParams,
        produces: ['image/webp'],
        response: { 200: FileBytes, 304: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const check = verifySignedFileToken(linkDeps, request.params.token);
      if (!check.ok && check.reason === 'expired') throw AppError.forbidden('The link has expired');
      if (!check.ok) throw AppError.notFound('File');
      const file = await findFileById(database.db, check.fileId);
      if (!file) throw AppError.notFound('File');
      return sendThumbnail(request, reply, file);
    },
  );
};

async function* fileParts(parts: AsyncIterableIterator<Multipart>) {
  for await (const part of parts) {
    if (part.type === 'file') yield { filename: part.filename, mimetype: part.mimetype, file: part.file };
  }
}

/** CHANNEL_FILE_LIMITS as plain (mutable) JSON for the reply. */
function channelLimitsAsData() {
  return Object.fromEntries(
    Object.entries(CHANNEL_FILE_LIMITS as Record<string, ChannelFileLimits>).map(([channel, limits]) => [
      channel,
      { kinds: limits.kinds.map((k) => ({ ...k, types: k.types === '*' ? ('*' as const) : [...k.types] })) },
    ]),
  );
}

function storedOnly(file: FileRow) {
  if (file.status !== 'stored' || !file.storageKey || file.size === null) {
    throw new AppError('not_found', `The file ${file.name} has no content (${file.status})`);
  }
  return {
    id: file.id,
    name: file.name,
    size: file.size,
    contentType: file.contentType,
    storageKey: file.storageKey,
    sha256: file.sha256,
  };
}

function thumbnailOf(file: FileRow) {
  const thumbnail = file.preview?.thumbnail as { key: string; width: number; height: number } | undefined;
  return thumbnail && typeof thumbnail.key === 'string' ? thumbnail : undefined;
}

/** The API's view of a file row: storage keys stay inside. */
function presentFile(file: FileRow) {
  const preview = file.preview ?? {};
  const thumbnail = thumbnailOf(file);
  const stored = file.status === 'stored';
  return {
    id: file.id,
    sessionId: file.sessionId,
    messageId: file.messageId,
    name: file.name,
    size: file.size,
    sha256: file.sha256,
    contentType: file.contentType,
    declaredType: file.declaredType,
    typeMismatch: preview.typeMismatch === true,
    status: file.status,
    error: file.error,
    createdBy: file.createdBy,
    createdAt: file.createdAt,
    preview: {
      thumbnail: thumbnail ? { width: thumbnail.width, height: thumbnail.height } : null,
      thumbnailError: typeof preview.thumbnailError === 'string' ? preview.thumbnailError : null,
      text: typeof preview.text === 'string' ? preview.text : null,
      textTruncated: preview.textTruncated === true,
    },
    contentUrl: stored ? `/api/v1/files/${file.id}/content` : null,
    thumbnailUrl: thumbnail ? `/api/v1/files/${file.id}/thumbnail` : null,
  };
}
