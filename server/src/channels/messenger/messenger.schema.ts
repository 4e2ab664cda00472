import { Type } from 'typebox';
import { Uuid } from '../../http/schemas.js';

export const ConnectMessengerBody = Type.Object(
  {
    /** The Page's name, shown to operators as the source. */
    name: Type.String({ minLength: 1, maxLength: 100 }),
    pageId: Type.String({ pattern: '^[0-9]{1,32}$' }),
    pageAccessToken: Type.String({ minLength: 1, maxLength: 2000 }),
    appSecret: Type.String({ minLength: 1, maxLength: 200 }),
    verifyToken: Type.String({ minLength: 1, maxLength: 200 }),
    /** Minutes before the 168-hour automatic end that the customer is warned (default 10). */
    warnBeforeMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 60 })),
    /** Minutes without any message after which a session ends (default 24 hours). */
    inactivityMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 14 * 24 * 60 })),
  },
  { additionalProperties: false },
);

/** A connected Page; its secrets are never returned. */
export const MessengerAccount = Type.Object({
  id: Uuid,
  channel: Type.Literal('messenger'),
  name: Type.String(),
  pageId: Type.String(),
  warnBeforeMinutes: Type.Integer(),
  inactivityMinutes: Type.Optional(Type.Integer()),
});
