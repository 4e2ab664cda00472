import { Type } from 'typebox';
import { DateTime, Uuid } from '../http/schemas.js';

const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A colour like #1e88e5' });

export const Tag = Type.Object({
  id: Uuid,
  name: Type.String(),
  color: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
});

export const SessionTag = Type.Object({
  id: Uuid,
  name: Type.String(),
  color: Type.Union([Type.String(), Type.Null()]),
});

export const CreateTagBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    color: Type.Optional(Type.Union([Color, Type.Null()])),
  },
  { additionalProperties: false },
);

export const UpdateTagBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    color: Type.Optional(Type.Union([Color, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SetSessionTagsBody = Type.Object(
  {
    tagIds: Type.Array(Uuid, {
      maxItems: 50,
      uniqueItems: true,
      description: 'The session’s tags from now on',
    }),
  },
  { additionalProperties: false },
);
