import { Type } from 'typebox';
import { Uuid } from '../../http/schemas.js';

export const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 200 }) });

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const VisitorFile = Type.Object({
  id: Uuid,
  name: Type.String(),
  size: Nullable(Type.Integer()),
  contentType: Nullable(Type.String()),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('stored'),
    Type.Literal('blocked'),
    Type.Literal('error'),
  ]),
  error: Nullable(Type.String()),
  thumbnail: Nullable(Type.Object({ width: Type.Integer(), height: Type.Integer() })),
});

export const VisitorMessage = Type.Object({
  id: Uuid,
  clientMessageId: Type.Union([Type.String(), Type.Null()]),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  authorKind: Type.Union([Type.Literal('customer'), Type.Literal('operator'), Type.Literal('system')]),
  authorName: Type.Union([Type.String(), Type.Null()]),
  text: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  files: Type.Array(VisitorFile),
});

export const Conversation = Type.Object({
  /** The last event number included: connect the socket with it as `lastSeq`. */
  seq: Type.Integer(),
  session: Type.Union([
    Type.Object({
      id: Uuid,
      state: Type.String(),
      endedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      rating: Type.Union([Type.Integer(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  messages: Type.Array(VisitorMessage),
});

const ClientMessageId = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });
const PageUrl = Type.String({ format: 'uri', maxLength: 2000 });

export const StartChatBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    question: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000 })),
    clientMessageId: Type.Optional(ClientMessageId),
    pageUrl: Type.Optional(PageUrl),
  },
  { additionalProperties: false },
);

export const StartChatReply = Type.Object({
  /** Present only when a new visitor was created: the widget keeps it. */
  token: Type.Optional(Type.String()),
  visitorId: Uuid,
  conversation: Conversation,
});

export const SendBody = Type.Object(
  {
    clientMessageId: ClientMessageId,
    text: Type.String({ minLength: 1, maxLength: 20_000 }),
    pageUrl: Type.Optional(PageUrl),
  },
  { additionalProperties: false },
);

export const SendReply = Type.Object({ message: VisitorMessage, sessionId: Uuid, duplicate: Type.Boolean() });

export const ReceiptBody = Type.Object(
  { status: Type.Union([Type.Literal('delivered'), Type.Literal('read')]), upToMessageId: Uuid },
  { additionalProperties: false },
);

export const TypingBody = Type.Object({ typing: Type.Boolean() }, { additionalProperties: false });

export const RatingBody = Type.Object(
  {
    stars: Type.Integer({ minimum: 1, maximum: 5 }),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const WidgetConfig = Type.Object({
  name: Type.String(),
  entryForm: Type.Object({ name: Type.Boolean(), email: Type.Boolean(), question: Type.Boolean() }),
  greeting: Type.Union([Type.String(), Type.Null()]),
  /** What the widget checks before uploading (the server checks again on the bytes). */
  files: Type.Object({
    maxUploadBytes: Type.Integer(),
    maxFilesPerMessage: Type.Integer(),
    blockedFileTypes: Type.Object({
      mimeTypes: Type.Array(Type.String()),
      extensions: Type.Array(Type.String()),
    }),
  }),
});

export const FileLinksBody = Type.Object(
  { fileIds: Type.Array(Uuid, { minItems: 1, maxItems: 50 }) },
  { additionalProperties: false },
);

/** Short-lived links to the files the visitor may see; ids they may not see are left out. */
export const FileLinks = Type.Object({
  items: Type.Array(
    Type.Object({
      fileId: Uuid,
      url: Type.String(),
      thumbnailUrl: Nullable(Type.String()),
      expiresAt: Type.String({ format: 'date-time' }),
    }),
  ),
});
