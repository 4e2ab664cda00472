import { Type, type Static } from 'typebox';
import { DateTime, Uuid } from '../http/schemas.js';

const Channel = Type.Union([Type.Literal('webchat'), Type.Literal('whatsapp'), Type.Literal('messenger')]);
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, 24-hour' });

export const TimeWindow = Type.Object(
  {
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
      description: 'ISO days of the week: 1 = Monday … 7 = Sunday',
    }),
    from: ClockTime,
    to: Type.String({
      ...ClockTime,
      description: 'HH:MM, exclusive; earlier than `from` runs past midnight',
    }),
    timeZone: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone; the tenant’s zone when left out' }),
    ),
  },
  { additionalProperties: false },
);

/** Conditions of a rule. Every condition given must hold; a condition left out matches anything. */
export const RuleMatch = Type.Object(
  {
    channels: Type.Optional(Type.Array(Channel, { minItems: 1, uniqueItems: true })),
    channelAccountIds: Type.Optional(Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true })),
    time: Type.Optional(TimeWindow),
    languages: Type.Optional(
      Type.Array(Type.String({ minLength: 2, maxLength: 35 }), {
        minItems: 1,
        maxItems: 50,
        description: 'Language tags; `cs` also matches `cs-CZ`',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RuleMatch = Static<typeof RuleMatch>;

export const RoutingRule = Type.Object({
  id: Uuid,
  position: Type.Integer({ description: '1 is tried first' }),
  match: RuleMatch,
  groupId: Uuid,
  createdAt: DateTime,
});

export const CreateRoutingRuleBody = Type.Object(
  {
    match: RuleMatch,
    groupId: Uuid,
    position: Type.Optional(Type.Integer({ minimum: 1, description: 'Where to insert; last when left out' })),
  },
  { additionalProperties: false },
);

export const UpdateRoutingRuleBody = Type.Object(
  {
    match: Type.Optional(RuleMatch),
    groupId: Type.Optional(Uuid),
    position: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ReorderRoutingRulesBody = Type.Object(
  {
    ids: Type.Array(Uuid, { maxItems: 1000, uniqueItems: true, description: 'Every rule, in the new order' }),
  },
  { additionalProperties: false },
);
