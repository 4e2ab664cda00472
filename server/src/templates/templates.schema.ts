import { Type } from 'typebox';
import { DateTime, Uuid } from '../http/schemas.js';

export const Template = Type.Object({
  id: Uuid,
  name: Type.String(),
  body: Type.String(),
  groupId: Type.Union([Uuid, Type.Null()], { description: 'Only for this group; null for the whole tenant' }),
  createdAt: DateTime,
});

export const ListTemplatesQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of the name or text, any case' })) },
  { additionalProperties: false },
);

const body = Type.String({
  minLength: 1,
  maxLength: 4096,
  description:
    'Text with variables: {{contact.name}}, {{contact.firstName}}, {{contact.lastName}}, {{contact.email}}, ' +
    '{{contact.phone}}, {{operator.name}}, {{operator.firstName}}, {{session.channel}}, {{session.source}}',
});

export const CreateTemplateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    body,
    groupId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  { additionalProperties: false },
);

export const UpdateTemplateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    body: Type.Optional(body),
    groupId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const RenderTemplateBody = Type.Object({ sessionId: Uuid }, { additionalProperties: false });

export const RenderedTemplate = Type.Object({
  templateId: Uuid,
  sessionId: Uuid,
  text: Type.String(),
});
