/**
 * The one error type of the API. A code is stable (clients and the web UI key their texts on it); the message
 * is for people. The HTTP status comes from the code, in one table.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** The session is not in a state that allows this (ended, not yet accepted, …). */
  session_state: 409,
  /** The offer was already accepted, withdrawn or expired. */
  offer_gone: 409,
  /** Accepting would take the operator past their capacity. */
  capacity_reached: 409,
  /** The caller does not take part in the session. */
  not_in_session: 409,
  /** The contact is on the tenant's blacklist. */
  contact_blacklisted: 409,
  /** Another session with the contact is open on that channel account. */
  open_session_exists: 409,
  /** Only a message that failed to send can be retried. */
  message_not_failed: 409,
  /** Another one with this unique value exists (a name, an e-mail, a connected number or Page); details.field names it. */
  already_exists: 409,
  /** Still used, so it cannot be deleted; details.reason says by what. */
  in_use: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  /** The tenant requires a wrap-up reason to end a session. */
  wrapup_required: 422,
  /** Longer than the channel allows; details carry the limit. */
  text_too_long: 422,
  /** The channel's window does not allow free text now; details say what is allowed. */
  window_closed: 422,
  /** No approved WhatsApp template with that name and language on the number (or one that cannot be sent yet). */
  template_not_approved: 422,
  /** The template's parameters do not match its variables; details say how many it takes. */
  template_parameters: 422,
  /** Not a phone number in E.164 form (+ and 8 to 15 digits). */
  invalid_phone_number: 422,
  /** The channel does not allow resuming this session now (Messenger after 7 days); the message says why. */
  resume_not_allowed: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  static notFound(what = 'Resource'): AppError {
    return new AppError('not_found', `${what} not found`);
  }

  static forbidden(message = 'You may not do this'): AppError {
    return new AppError('forbidden', message);
  }

  /** `field`: which value is taken, for clients that say so in their own words. */
  static alreadyExists(field: string, message: string, details?: Record<string, unknown>): AppError {
    return new AppError('already_exists', message, { field, ...details });
  }

  static unauthenticated(message = 'Sign in or send an API key'): AppError {
    return new AppError('unauthenticated', message);
  }
}
