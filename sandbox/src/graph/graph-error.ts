import { newFbtraceId } from '../ids.js';

export type Product = 'whatsapp' | 'messenger';

/** An error the Graph API answers with, in Meta's envelope. */
export class GraphError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly title: string,
    readonly details?: string,
    readonly subcode?: number,
    readonly product?: Product,
  ) {
    super(`(#${code}) ${title}`);
  }

  /** Meta sends these messages without the `(#code)` prefix. */
  private get bare(): boolean {
    return this.code === 190 || this.code === 2500 || this.subcode === 33;
  }

  /** The body Meta sends: `{"error":{message,type,code,error_data?,error_subcode?,fbtrace_id}}`. */
  toEnvelope(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = {
      message: this.bare ? this.title : `(#${this.code}) ${this.title}`,
      type: 'OAuthException',
      code: this.code,
    };
    if (this.details !== undefined) {
      error.error_data =
        this.product === 'whatsapp' ? { messaging_product: 'whatsapp', details: this.details } : this.details;
    }
    if (this.subcode !== undefined) error.error_subcode = this.subcode;
    error.fbtrace_id = newFbtraceId();
    return { error };
  }

  /** The entry of a failed status webhook's `errors[]`. */
  toStatusError(): Record<string, unknown> {
    return {
      code: this.code,
      title: this.title,
      message: this.title,
      error_data: { details: this.details ?? this.title },
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    };
  }
}

interface CatalogueEntry {
  status: number;
  title: string;
  details: string;
  subcode?: number;
}

/** Titles and details per code, as Meta's error-code tables word them. */
const catalogue: Record<number, CatalogueEntry> = {
  1: { status: 500, title: 'An unknown error occurred', details: 'An unknown error occurred.' },
  2: { status: 503, title: 'Service temporarily unavailable', details: 'Service temporarily unavailable.' },
  4: { status: 400, title: 'Application request limit reached', details: 'Too many API calls.' },
  10: {
    status: 400,
    title: 'This message is sent outside of allowed window.',
    details: 'This message is sent outside of allowed window.',
    subcode: 2018278,
  },
  100: { status: 400, title: 'Invalid parameter', details: 'Invalid parameter.' },
  190: {
    status: 401,
    title: 'Invalid OAuth access token - Cannot parse access token',
    details: 'Invalid OAuth access token.',
  },
  551: { status: 400, title: "This person isn't available right now.", details: '', subcode: 1545041 },
  2018218: { status: 400, title: 'No profile available for this user.', details: '' },
  130403: {
    status: 400,
    title: 'Recipient is blocked',
    details: 'The business has blocked this recipient.',
  },
  130429: {
    status: 400,
    title: 'Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
  },
  130472: {
    status: 400,
    title: "User's number is part of an experiment",
    details: "Failed to send message because this user's phone number is part of an experiment",
  },
  131000: {
    status: 500,
    title: 'Something went wrong',
    details: 'Message failed to send due to an unknown error.',
  },
  131009: { status: 400, title: 'Parameter value is not valid', details: 'Parameter value is not valid.' },
  131014: {
    status: 400,
    title: 'Request for url failed',
    details: 'Request for url failed with error: 404 (Not Found)',
  },
  131016: { status: 503, title: 'Service unavailable', details: 'A service is temporarily unavailable.' },
  131021: {
    status: 400,
    title: 'Recipient cannot be sender',
    details: 'Sender and recipient phone number is the same.',
  },
  131026: {
    status: 400,
    title: 'Message undeliverable',
    details:
      'Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number.',
  },
  131047: {
    status: 400,
    title: 'Re-engagement message',
    details:
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131050: {
    status: 400,
    title: 'User has stopped marketing messages',
    details: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages.',
  },
  131051: {
    status: 400,
    title: 'Unsupported message type',
    details: 'Message type is currently not supported.',
  },
  131053: {
    status: 400,
    title: 'Media upload error',
    details: 'Unable to upload the media used in the message.',
  },
  131056: {
    status: 400,
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Too many messages sent from the sender phone number to the same recipient phone number in a short period.',
  },
  132000: {
    status: 400,
    title: 'Number of parameters does not match the expected number of params',
    details: 'The number of parameters provided does not match the expected number of parameters.',
  },
  132001: {
    status: 400,
    title: 'Template name does not exist in the translation',
    details: 'The template does not exist in the specified language or has not been approved.',
  },
  132012: {
    status: 400,
    title: 'Parameter format does not match format in the created template',
    details: 'The parameter format does not match the format in the created template.',
  },
  131008: {
    status: 400,
    title: 'Required parameter is missing',
    details: 'A required parameter is missing.',
  },
  200: {
    status: 400,
    title: 'Permissions error',
    details: 'The app does not have permission for this action.',
  },
  230: { status: 400, title: 'Permissions disallow message to user', details: '' },
  368: {
    status: 400,
    title: 'Temporarily blocked for policies violations',
    details: 'The account is restricted for violating a policy.',
  },
  613: { status: 400, title: 'Calls to this api have exceeded the rate limit.', details: '' },
  80007: {
    status: 400,
    title: 'Rate limit issues',
    details: 'The WhatsApp Business Account has reached its rate limit.',
  },
  130497: {
    status: 400,
    title: 'Business account is restricted from messaging users in this country',
    details: 'The business is restricted from messaging users in this country.',
  },
  131005: {
    status: 403,
    title: 'Access denied',
    details: 'Permission is either not granted or has been removed.',
  },
  131030: {
    status: 400,
    title: 'Recipient phone number not in allowed list',
    details: 'Add the recipient phone number to the list of allowed numbers in the App Dashboard.',
  },
  131031: {
    status: 400,
    title: 'Account has been locked',
    details: 'The business account was restricted or disabled for a policy violation.',
  },
  131042: {
    status: 400,
    title: 'Business eligibility payment issue',
    details: 'There was an error related to your payment method.',
  },
  131048: {
    status: 400,
    title: 'Spam rate limit hit',
    details:
      'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
  },
  131049: {
    status: 400,
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
  131052: {
    status: 400,
    title: 'Media download error',
    details: 'Unable to download the media sent by the user.',
  },
  131057: {
    status: 400,
    title: 'Account in maintenance mode',
    details: 'Business account is in maintenance mode (throughput upgrade).',
  },
  131062: {
    status: 400,
    title: 'Business-scoped user ID recipients are not supported for this message type',
    details: 'This message type cannot be sent to a business-scoped user ID.',
  },
  132005: { status: 400, title: 'Template hydrated text too long', details: 'Translated text is too long.' },
  132007: {
    status: 400,
    title: 'Template format character policy violated',
    details: 'Template content violates a WhatsApp policy.',
  },
  132015: { status: 400, title: 'Template is paused', details: 'Template is paused due to low quality.' },
  132016: { status: 400, title: 'Template is disabled', details: 'Template has been paused too many times.' },
  133010: {
    status: 400,
    title: 'Phone number not registered',
    details: 'The phone number is not registered.',
  },
  2018001: { status: 400, title: 'No matching user found', details: '' },
  // Wording and code/subcode pairing from OSS mappings (meta-protocols.md §3.5, secondary).
  2018108: {
    status: 400,
    title:
      'Cannot message users who are not admins, developers or testers of the app until pages_messaging permission is reviewed and the app is live.',
    details: '',
  },
};

/** fail-next codes that mean "answer with this HTTP 5xx". */
export const httpFailures = [500, 502, 503, 504];

/** Codes the control API accepts for fail-next (besides HTTP 5xx). */
export const knownCodes = Object.keys(catalogue).map(Number);

/**
 * Builds the error for a code, Meta's wording by default; Messenger subcodes (2018278, 1545041, 2018001, 2018218,
 * 2018108)
 * ride on their parent codes as Meta sends them.
 */
export function graphError(
  product: Product,
  code: number,
  overrides: { details?: string; subcode?: number; httpStatus?: number; title?: string } = {},
): GraphError {
  // 500/502/503/504 stand for a bare HTTP failure (Graph code 551 is a real code, not an HTTP status).
  if (httpFailures.includes(code)) {
    const inner = code === 500 ? catalogue[1] : catalogue[2];
    return new GraphError(
      code,
      code === 500 ? 1 : 2,
      inner?.title ?? 'Error',
      inner?.details,
      undefined,
      product,
    );
  }
  if (code === 1545041) return graphError(product, 551, overrides);
  if (code === 2018278) return graphError(product, 10, overrides);
  if (code === 2018108) {
    return new GraphError(400, 10, catalogue[2018108]!.title, overrides.details, 2018108, product);
  }
  if (code === 2018218) {
    return new GraphError(400, 100, catalogue[2018218]!.title, overrides.details, 2018218, product);
  }
  if (code === 2018001) {
    return new GraphError(400, 100, catalogue[2018001]!.title, overrides.details, 2018001, product);
  }
  const entry = catalogue[code] ?? { status: 400, title: `Error ${code}`, details: `Error ${code}.` };
  const details = overrides.details ?? (product === 'whatsapp' ? entry.details : undefined);
  const subcode = overrides.subcode ?? (product === 'messenger' ? entry.subcode : undefined);
  return new GraphError(
    overrides.httpStatus ?? entry.status,
    code,
    overrides.title ?? entry.title,
    details || undefined,
    subcode,
    product,
  );
}
