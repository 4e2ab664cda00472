import { Type } from 'typebox';
import { Uuid } from '../http/schemas.js';

const RoutingMode = Type.Union([Type.Literal('utilisation'), Type.Literal('whole_group')]);

export const Group = Type.Object({
  id: Uuid,
  name: Type.String(),
  routingMode: RoutingMode,
  offerTimeoutSeconds: Type.Integer(),
  sticky: Type.Boolean(),
  offlineMessage: Type.Union([Type.String(), Type.Null()]),
  memberIds: Type.Array(Uuid),
  members: Type.Array(
    Type.Object({
      userId: Uuid,
      capacity: Type.Union([Type.Integer(), Type.Null()], {
        description: 'Sessions of this group at once; null: the operator’s own capacity',
      }),
    }),
  ),
});

const fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  routingMode: RoutingMode,
  offerTimeoutSeconds: Type.Integer({ minimum: 5, maximum: 3600 }),
  sticky: Type.Boolean(),
  offlineMessage: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]),
};

export const CreateGroupBody = Type.Object(
  {
    name: fields.name,
    routingMode: Type.Optional(fields.routingMode),
    offerTimeoutSeconds: Type.Optional(fields.offerTimeoutSeconds),
    sticky: Type.Optional(fields.sticky),
    offlineMessage: Type.Optional(fields.offlineMessage),
  },
  { additionalProperties: false },
);

export const UpdateGroupBody = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});

export const SetMembersBody = Type.Object(
  {
    members: Type.Array(
      Type.Object(
        {
          userId: Uuid,
          capacity: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 100 }), Type.Null()])),
        },
        { additionalProperties: false },
      ),
      { maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
