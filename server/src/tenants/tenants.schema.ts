import { Type } from 'typebox';
import { Uuid } from '../http/schemas.js';

/** The settings this module owns; other modules keep their own keys in the same jsonb and are never touched. */
export const TenantSettings = Type.Object({
  wrapupRequired: Type.Boolean({ description: 'An operator must pick a wrap-up reason to end a session' }),
  endMessage: Type.Union([Type.String(), Type.Null()], {
    description: 'What the customer is told when a session ends; null sends nothing',
  }),
  defaultGroupId: Type.Union([Uuid, Type.Null()], {
    description: 'Where sessions go when no routing rule matches',
  }),
  timezone: Type.String({ description: 'IANA time zone, e.g. Europe/Prague' }),
  retentionDays: Type.Union([Type.Integer(), Type.Null()], {
    description:
      'Days after which ended sessions, their messages and files are deleted; null keeps them forever',
  }),
});

export const UpdateTenantSettingsBody = Type.Object(
  {
    wrapupRequired: Type.Optional(Type.Boolean()),
    endMessage: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 1000 }), Type.Null()])),
    defaultGroupId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    // The range (1–3650) is checked by the use case, whose message says what is allowed.
    retentionDays: Type.Optional(
      Type.Union([Type.Integer(), Type.Null()], { description: '1–3650 days, or null to keep forever' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
