import { Type } from 'typebox';
import { DateTime, Uuid } from '../http/schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const State = Type.Union([
  Type.Literal('waiting'),
  Type.Literal('offered'),
  Type.Literal('active'),
  Type.Literal('ended'),
]);
const ChannelName = Type.Union([
  Type.Literal('webchat'),
  Type.Literal('whatsapp'),
  Type.Literal('messenger'),
]);

export const Composer = Type.Object({
  freeText: Type.Boolean(),
  freeTextUntil: Nullable(DateTime),
  otherwise: Type.Union([Type.Literal('templates'), Type.Literal('nothing')]),
  reason: Type.Optional(Type.String()),
  lockedUntilReply: Type.Optional(Type.Boolean()),
  maxTextLength: Type.Integer(),
});

export const Session = Type.Object({
  id: Uuid,
  state: State,
  channel: ChannelName,
  channelAccountId: Uuid,
  sourceName: Type.String(),
  sourceUrl: Nullable(Type.String()),
  groupId: Nullable(Uuid),
  groupName: Nullable(Type.String()),
  contact: Type.Object({ id: Uuid, name: Nullable(Type.String()) }),
  priority: Type.Integer(),
  queuedAt: Type.String(),
  acceptedAt: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
  endedBy: Nullable(Type.String()),
  endReason: Nullable(Type.String()),
  wrapupReasonId: Nullable(Uuid),
  wrapupNote: Nullable(Type.String()),
  rating: Nullable(Type.Integer()),
  resumedFromId: Nullable(Uuid),
  lastCustomerMessageAt: Nullable(Type.String()),
  participants: Type.Array(
    Type.Object({
      userId: Uuid,
      name: Type.String(),
      role: Type.Union([Type.Literal('owner'), Type.Literal('guest')]),
    }),
  ),
  lastMessage: Nullable(
    Type.Object({
      text: Nullable(Type.String()),
      authorKind: Type.String(),
      at: Type.String(),
      /** A system message's key and values (see `system.*` texts), for the operator's language. */
      systemText: Type.Optional(Nullable(Type.String())),
      systemVars: Type.Optional(Nullable(Type.Record(Type.String(), Type.String()))),
    }),
  ),
  firstMessage: Nullable(Type.String()),
  tagIds: Type.Array(Uuid),
  unreadCount: Type.Integer({ minimum: 0 }),
  /** What may be sent now; present where the server knows the channel's window (detail, events). */
  composer: Type.Optional(Composer),
});

export const TimelineEntry = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  actorKind: Type.String(),
  actorUserId: Nullable(Uuid),
  data: Type.Record(Type.String(), Type.Unknown()),
  at: DateTime,
});

export const SessionDetail = Type.Object({
  session: Session,
  composer: Composer,
  timeline: Type.Array(TimelineEntry),
});

export const Message = Type.Object({
  id: Uuid,
  sessionId: Uuid,
  clientMessageId: Nullable(Type.String()),
  direction: Type.Union([Type.Literal('in'), Type.Literal('out'), Type.Literal('internal')]),
  authorKind: Type.String(),
  author: Nullable(Type.Object({ userId: Uuid, name: Type.String() })),
  text: Nullable(Type.String()),
  quotedMessageId: Nullable(Uuid),
  status: Type.String(),
  errorCode: Nullable(Type.String()),
  errorReason: Nullable(Type.String()),
  createdAt: Type.String(),
  metadata: Type.Record(Type.String(), Type.Unknown()),
});

export const Offer = Type.Object({
  id: Uuid,
  sessionId: Uuid,
  kind: Type.Union([Type.Literal('queue'), Type.Literal('transfer'), Type.Literal('conference')]),
  expiresAt: Type.String(),
  fromUserId: Nullable(Uuid),
  session: Session,
});

export const ListSessionsQuery = Type.Object(
  {
    state: Type.Optional(Type.Union([State, Type.Literal('open')])),
    channel: Type.Optional(ChannelName),
    groupId: Type.Optional(Uuid),
    operatorId: Type.Optional(Uuid),
    tagId: Type.Optional(Uuid),
    contactId: Type.Optional(Uuid),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    mine: Type.Optional(Type.Boolean()),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const SendMessageBody = Type.Object(
  {
    /** May be empty when files are sent. */
    text: Type.String({ maxLength: 100_000 }),
    fileIds: Type.Optional(Type.Array(Uuid, { maxItems: 20 })),
    quotedMessageId: Type.Optional(Uuid),
    clientMessageId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const MessageParams = Type.Object({ id: Uuid, messageId: Uuid });

export const ReactionBody = Type.Object(
  { emoji: Type.Union([Type.String({ minLength: 1, maxLength: 16 }), Type.Null()]) },
  { additionalProperties: false },
);

export const TransferBody = Type.Union([
  Type.Object({ groupId: Uuid }, { additionalProperties: false }),
  Type.Object({ userId: Uuid }, { additionalProperties: false }),
]);

export const EndBody = Type.Object(
  {
    wrapupReasonId: Type.Optional(Uuid),
    note: Type.Optional(Type.String({ maxLength: 5000 })),
    tagIds: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
  },
  { additionalProperties: false },
);

export const TransferTargets = Type.Object({
  groups: Type.Array(
    Type.Object({ id: Uuid, name: Type.String(), waiting: Type.Integer(), available: Type.Integer() }),
  ),
  operators: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      presence: Type.String(),
      load: Type.Integer(),
      capacity: Type.Integer(),
      groupIds: Type.Array(Uuid),
    }),
  ),
});
