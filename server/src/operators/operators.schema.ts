import { Type } from 'typebox';
import { Uuid } from '../http/schemas.js';

export const RoleSchema = Type.Union([
  Type.Literal('operator'),
  Type.Literal('supervisor'),
  Type.Literal('admin'),
]);
export const PresenceSchema = Type.Union([
  Type.Literal('available'),
  Type.Literal('away'),
  Type.Literal('rona'),
  Type.Literal('offline'),
]);

export const Operator = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  capacity: Type.Integer(),
  language: Type.String(),
  active: Type.Boolean(),
  presence: PresenceSchema,
  awayReason: Type.Union([Type.String(), Type.Null()]),
  groupIds: Type.Array(Uuid),
});

/** The length rule is checked by the use case, whose refusal says it (see `checkPasswordRule`). */
const Password = Type.String({ maxLength: 1024, description: 'At least 10 characters' });

export const CreateOperatorBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.Optional(Password),
    role: RoleSchema,
    capacity: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
    groupIds: Type.Optional(
      Type.Array(Uuid, { maxItems: 1000, description: 'Groups the operator joins, in the same step' }),
    ),
  },
  { additionalProperties: false },
);

export const SetPasswordBody = Type.Object({ password: Password }, { additionalProperties: false });

export const SetGroupsBody = Type.Object(
  { groupIds: Type.Array(Uuid, { maxItems: 1000 }) },
  { additionalProperties: false },
);

export const UpdateOperatorBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    capacity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    active: Type.Optional(Type.Boolean()),
    language: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('cs')])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SetPresenceBody = Type.Object(
  {
    status: Type.Union([Type.Literal('available'), Type.Literal('away'), Type.Literal('offline')]),
    awayReason: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const PresenceReply = Type.Object({
  userId: Uuid,
  status: PresenceSchema,
  awayReason: Type.Union([Type.String(), Type.Null()]),
  changedAt: Type.String({ format: 'date-time' }),
});
