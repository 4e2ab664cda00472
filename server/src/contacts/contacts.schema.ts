import { Type } from 'typebox';
import { IdentityKind } from '../blacklist/blacklist.schema.js';
import { DateTime, Uuid } from '../http/schemas.js';

const Text = Type.Union([Type.String(), Type.Null()]);

export const ContactIdentity = Type.Object({
  id: Uuid,
  kind: IdentityKind,
  value: Type.String(),
  channelAccountId: Type.Union([Uuid, Type.Null()]),
  createdAt: DateTime,
});

const contactFields = {
  id: Uuid,
  name: Text,
  firstName: Text,
  lastName: Text,
  email: Text,
  phone: Text,
  avatarUrl: Text,
  note: Text,
  createdAt: DateTime,
  updatedAt: DateTime,
};

/** A contact in the directory list. */
export const ContactListItem = Type.Object({ ...contactFields, identities: Type.Array(ContactIdentity) });

/** One contact with everything the contact panel shows. */
export const Contact = Type.Object({
  ...contactFields,
  /** Set when this contact was merged into another; follow it. */
  mergedIntoId: Type.Union([Uuid, Type.Null()]),
  identities: Type.Array(ContactIdentity),
  blacklisted: Type.Boolean(),
});

export const ContactPage = Type.Object({
  items: Type.Array(ContactListItem),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page' }),
});

export const SearchContactsQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Part of a name, e-mail, phone or identity value' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

const optionalText = (maxLength: number, extra: object = {}) =>
  Type.Optional(Type.Union([Type.String({ maxLength, ...extra }), Type.Null()]));

export const UpdateContactBody = Type.Object(
  {
    name: optionalText(200),
    firstName: optionalText(100),
    lastName: optionalText(100),
    phone: optionalText(32, { pattern: '^\\+?[0-9][0-9 ().-]{2,30}$' }),
    email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 320 }), Type.Null()])),
    note: optionalText(5000),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const MergeContactBody = Type.Object(
  {
    sourceContactId: Type.String({
      format: 'uuid',
      description: 'The duplicate; it is folded into this one',
    }),
  },
  { additionalProperties: false },
);

export const HistoryMessage = Type.Object({
  id: Uuid,
  direction: Type.String(),
  authorKind: Type.String(),
  author: Type.Union([Type.Object({ userId: Uuid, name: Type.String() }), Type.Null()]),
  text: Text,
  quotedMessageId: Type.Union([Uuid, Type.Null()]),
  status: Type.String(),
  errorReason: Text,
  createdAt: DateTime,
});

export const HistorySession = Type.Object({
  id: Uuid,
  channel: Type.String(),
  channelAccountId: Uuid,
  sourceName: Type.String(),
  groupId: Type.Union([Uuid, Type.Null()]),
  state: Type.String(),
  queuedAt: DateTime,
  acceptedAt: Type.Union([DateTime, Type.Null()]),
  endedAt: Type.Union([DateTime, Type.Null()]),
  endReason: Text,
  wrapupReasonId: Type.Union([Uuid, Type.Null()]),
  wrapupNote: Text,
  createdAt: DateTime,
  messages: Type.Array(HistoryMessage),
});

export const HistoryPage = Type.Object({
  items: Type.Array(HistorySession),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const HistoryQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const ContactExport = Type.Object({
  exportedAt: DateTime,
  contact: Contact,
  blacklistEntries: Type.Array(
    Type.Object({ id: Uuid, reason: Text, createdAt: DateTime }, { additionalProperties: true }),
  ),
  sessions: Type.Array(
    Type.Intersect([
      HistorySession,
      Type.Object({
        tags: Type.Array(Type.String()),
        files: Type.Array(
          Type.Object({
            id: Uuid,
            messageId: Type.Union([Uuid, Type.Null()]),
            name: Type.String(),
            contentType: Text,
            size: Type.Union([Type.Number(), Type.Null()]),
            status: Type.String(),
            createdAt: DateTime,
          }),
        ),
        timeline: Type.Array(
          Type.Object({
            type: Type.String(),
            actorKind: Type.String(),
            data: Type.Unknown(),
            createdAt: DateTime,
          }),
        ),
      }),
    ]),
  ),
});

export const EraseReply = Type.Object({
  contactId: Uuid,
  sessions: Type.Integer({ description: 'Sessions kept, without the person’s data' }),
  messagesDeleted: Type.Integer(),
  identitiesDeleted: Type.Integer(),
  filesDeleted: Type.Integer(),
});
