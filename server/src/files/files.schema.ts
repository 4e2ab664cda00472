import { Type } from 'typebox';
import { DateTime, Uuid } from '../http/schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const FileInfo = Type.Object({
  id: Uuid,
  sessionId: Nullable(Uuid),
  messageId: Nullable(Uuid),
  name: Type.String(),
  size: Nullable(Type.Integer()),
  sha256: Nullable(Type.String()),
  /** Sniffed from the bytes; never the declared type. */
  contentType: Nullable(Type.String()),
  /** What the browser or channel said it was. */
  declaredType: Nullable(Type.String()),
  /** The declared type or the name's extension disagrees with the bytes. */
  typeMismatch: Type.Boolean(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('stored'),
    Type.Literal('blocked'),
    Type.Literal('error'),
  ]),
  /** For a blocked file: "blocked file: name, type". */
  error: Nullable(Type.String()),
  createdBy: Type.Union([Type.Literal('customer'), Type.Literal('operator'), Type.Literal('system')]),
  createdAt: DateTime,
  preview: Type.Object({
    thumbnail: Nullable(Type.Object({ width: Type.Integer(), height: Type.Integer() })),
    /** Why there is no thumbnail, when making one failed (an undecodable image, an image bomb). */
    thumbnailError: Nullable(Type.String()),
    /** The start of a text file, valid UTF-8. */
    text: Nullable(Type.String()),
    textTruncated: Type.Boolean(),
  }),
  contentUrl: Nullable(Type.String()),
  thumbnailUrl: Nullable(Type.String()),
});

const MimePattern = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*|\\*)$',
});
const Extension = Type.String({ pattern: '^\\.?[A-Za-z0-9_-]{1,20}$' });

export const BlockedFileTypesBody = Type.Object(
  {
    mimeTypes: Type.Array(MimePattern, { maxItems: 200 }),
    extensions: Type.Array(Extension, { maxItems: 200 }),
  },
  { additionalProperties: false },
);

export const BlockedFileTypes = Type.Object({
  mimeTypes: Type.Array(Type.String()),
  extensions: Type.Array(Type.String()),
});

const ChannelFileKind = Type.Object({
  kind: Type.String(),
  types: Type.Union([Type.Array(Type.String()), Type.Literal('*')]),
  maxBytes: Type.Integer(),
  animatedMaxBytes: Type.Optional(Type.Integer()),
});

export const UploadPolicy = Type.Object({
  maxUploadBytes: Type.Integer(),
  blockedFileTypes: BlockedFileTypes,
  channelLimits: Type.Record(Type.String(), Type.Object({ kinds: Type.Array(ChannelFileKind) })),
});

export const SignedUrlBody = Type.Object(
  { ttlSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 7 * 24 * 3600 })) },
  { additionalProperties: false },
);

export const SignedUrl = Type.Object({ url: Type.String(), expiresAt: DateTime });

export const DownloadQuery = Type.Object(
  { download: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });

/** A file's bytes; the type is in Content-Type. */
export const FileBytes = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
