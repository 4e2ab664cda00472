import { Type } from 'typebox';
import { DateTime, Uuid } from '../http/schemas.js';

export const ChannelName = Type.Union([
  Type.Literal('webchat'),
  Type.Literal('whatsapp'),
  Type.Literal('messenger'),
]);

/** What an operator may know of a channel account: never its credentials. */
export const ChannelAccountSummary = Type.Object({
  id: Type.String(),
  channel: ChannelName,
  name: Type.String(),
  /** The WhatsApp number as people dial it, where known. */
  displayPhoneNumber: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
});

/** The fields of the web chat widget's entry form the customer is asked to fill before the first message. */
export const EntryForm = Type.Object(
  { name: Type.Boolean(), email: Type.Boolean(), question: Type.Boolean() },
  { additionalProperties: false },
);

const Greeting = Type.String({ minLength: 1, maxLength: 500 });

/**
 * A channel account as an administrator sets it up: what Meta's app dashboard or a website needs from us. The
 * credentials themselves are never returned, only which of them are stored.
 */
export const AdminChannelAccount = Type.Object({
  id: Uuid,
  channel: ChannelName,
  name: Type.String(),
  enabled: Type.Boolean(),
  /** The phone_number_id, the page id, or the widget's public key. */
  externalId: Type.String(),
  displayPhoneNumber: Type.Union([Type.String(), Type.Null()]),
  wabaId: Type.Union([Type.String(), Type.Null()]),
  /** Names of the credentials stored (`accessToken`, `appSecret`, `verifyToken`, …), never their values. */
  credentialsSet: Type.Array(Type.String()),
  /** Meta's callback URL for this channel: the app's public URL + `/webhooks/<channel>`. */
  webhookUrl: Type.Union([Type.String(), Type.Null()]),
  widget: Type.Union([
    Type.Object({
      greeting: Type.Union([Type.String(), Type.Null()]),
      entryForm: EntryForm,
      /** The one tag a website adds to show the chat. */
      snippet: Type.String(),
    }),
    Type.Null(),
  ]),
  createdAt: DateTime,
});

export const CreateWebchatBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    greeting: Type.Optional(Greeting),
    entryForm: Type.Optional(EntryForm),
  },
  { additionalProperties: false },
);

/**
 * A change to an account; what is left out stays. A credential is replaced only when given (an empty field in the
 * form is left out); `accessToken` is a WhatsApp number's, `pageAccessToken` a Page's, and a web chat has none.
 */
export const UpdateChannelAccountBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    enabled: Type.Optional(Type.Boolean()),
    accessToken: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    pageAccessToken: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    appSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    verifyToken: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** The web chat's greeting; null removes it. */
    greeting: Type.Optional(Type.Union([Greeting, Type.Null()])),
    entryForm: Type.Optional(EntryForm),
  },
  { additionalProperties: false, minProperties: 1 },
);
