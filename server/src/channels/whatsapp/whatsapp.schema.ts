import { Type } from 'typebox';
import { DateTime, Uuid } from '../../http/schemas.js';

export const ConnectWhatsAppBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    phoneNumberId: Type.String({ pattern: '^[0-9]{1,32}$' }),
    wabaId: Type.String({ pattern: '^[0-9]{1,32}$' }),
    displayPhoneNumber: Type.Optional(Type.String({ pattern: '^[0-9]{4,20}$' })),
    accessToken: Type.String({ minLength: 1, maxLength: 2000 }),
    appSecret: Type.String({ minLength: 1, maxLength: 200 }),
    verifyToken: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

/** A connected number; its secrets are never returned. */
export const WhatsAppAccount = Type.Object({
  id: Uuid,
  channel: Type.Literal('whatsapp'),
  name: Type.String(),
  phoneNumberId: Type.String(),
  wabaId: Type.String(),
  displayPhoneNumber: Type.Optional(Type.String()),
});

export const HubQuery = Type.Object({
  'hub.mode': Type.Optional(Type.String()),
  'hub.verify_token': Type.Optional(Type.String()),
  'hub.challenge': Type.Optional(Type.String()),
});

export const WhatsAppTemplate = Type.Object({
  id: Uuid,
  name: Type.String(),
  language: Type.String(),
  category: Type.String(),
  status: Type.String(),
  components: Type.Array(Type.Unknown()),
  syncedAt: DateTime,
});

export const SendTemplateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 512 }),
    language: Type.String({ minLength: 2, maxLength: 15 }),
    parameters: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 20, default: [] }),
    clientMessageId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const OutboundSessionBody = Type.Object(
  {
    channelAccountId: Uuid,
    to: Type.Object(
      {
        phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
        contactId: Type.Optional(Uuid),
      },
      { additionalProperties: false },
    ),
    template: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 512 }),
        language: Type.String({ minLength: 2, maxLength: 15 }),
        parameters: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 20, default: [] }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
