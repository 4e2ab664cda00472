import { Type } from 'typebox';
import { DateTime, Uuid } from '../http/schemas.js';

export const IdentityKind = Type.Union([
  Type.Literal('wa_id'),
  Type.Literal('bsuid'),
  Type.Literal('psid'),
  Type.Literal('webchat_visitor'),
  Type.Literal('phone'),
  Type.Literal('email'),
]);

export const BlacklistEntry = Type.Object({
  id: Uuid,
  contactId: Type.Union([Uuid, Type.Null()]),
  contactName: Type.Union([Type.String(), Type.Null()]),
  identityKind: Type.Union([IdentityKind, Type.Null()]),
  identityValue: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
  /** Who added it: an administrator or an API key, by name; null on entries from before this was kept. */
  createdBy: Type.Union([
    Type.Object({ kind: Type.Union([Type.Literal('user'), Type.Literal('api_key')]), name: Type.String() }),
    Type.Null(),
  ]),
});

const reason = Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]));

/** Either a contact of the directory, or a raw identity such as a phone number or a wa_id. */
export const CreateBlacklistEntryBody = Type.Union([
  Type.Object({ contactId: Uuid, reason }, { additionalProperties: false }),
  Type.Object(
    {
      identityKind: IdentityKind,
      identityValue: Type.String({ minLength: 1, maxLength: 320 }),
      reason,
    },
    { additionalProperties: false },
  ),
]);

export const UpdateBlacklistEntryBody = Type.Object(
  { reason: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]) },
  { additionalProperties: false },
);
