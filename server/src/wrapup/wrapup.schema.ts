import { Type } from 'typebox';
import { DateTime, Uuid } from '../http/schemas.js';

export const WrapupReason = Type.Object({
  id: Uuid,
  name: Type.String(),
  active: Type.Boolean({ description: 'Inactive reasons are kept for the sessions that used them' }),
  createdAt: DateTime,
});

export const ListWrapupReasonsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name, any case' })),
    includeInactive: Type.Boolean({
      default: false,
      description: 'Administrators: list deactivated reasons too',
    }),
  },
  { additionalProperties: false },
);

export const CreateWrapupReasonBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 120 }) },
  { additionalProperties: false },
);

export const UpdateWrapupReasonBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DeleteWrapupReasonReply = Type.Object({
  outcome: Type.Union([Type.Literal('deleted'), Type.Literal('deactivated')], {
    description: 'A reason some session used is deactivated instead of deleted',
  }),
  reason: Type.Union([WrapupReason, Type.Null()]),
});
