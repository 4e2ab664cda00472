import { ChannelError } from '../channel-adapter.js';
import { WindowClosedError } from '../../sessions/message-status.js';
import type { GraphError } from './call-graph.js';

/** Meta's codes worth retrying: unknown error, service unavailable, generic transient Graph errors. */
const TRANSIENT = new Set([1, 2, 131000, 131016, 131057, 80007, 4]);

/** A sentence saying what to do, for the codes an operator or admin can act on. */
const ADVICE: Record<number, string> = {
  131047: 'More than 24 hours have passed since the customer last wrote: send an approved WhatsApp template.',
  131026: 'The message could not be delivered (the number may not be on WhatsApp); check the number.',
  131050: 'The customer has opted out of marketing messages; do not send them again.',
  131049: 'Meta chose not to deliver this message now; try again in a day.',
  131051: 'This message type is not supported by WhatsApp.',
  131053: 'The file could not be sent; check its type and size.',
  131009: 'A parameter of the message is not valid.',
  131008: 'A required parameter is missing.',
  131021: 'The recipient is the business number itself.',
  131030: 'The recipient is not in the test number’s allowed list; add them in Meta’s dashboard.',
  131031: 'The WhatsApp account is locked; see Meta Business Manager.',
  131042: 'There is a payment problem with the WhatsApp account; see Meta Business Manager.',
  131048: 'Too many messages were reported as spam; send fewer for now.',
  130403: 'The business blocked this customer on WhatsApp.',
  130472: 'The customer is part of a Meta experiment and cannot receive this message.',
  132000: 'The template’s parameters do not match; fill every parameter.',
  132001: 'The template does not exist in that language or is not approved; sync the templates.',
  132012: 'A template parameter has the wrong format.',
  132015: 'The template is paused; choose another one.',
  132016: 'The template is disabled; choose another one.',
  133010: 'The phone number is not registered with the Cloud API; check the channel account.',
  190: 'The access token is expired or revoked; reconnect the WhatsApp number in administration.',
  10: 'The app lacks a permission; check the access token’s permissions.',
  200: 'The app lacks a permission; check the access token’s permissions.',
  100: 'Meta refused a parameter of the message.',
};

export const WINDOW_CLOSED_CODE = '131047';

/** What a failed send means: retryable (rate limits, Meta's transient errors, 5xx, network) or final. */
export function mapSendError(error: GraphError): ChannelError {
  if (error.network) return new ChannelError('network', error.title, true, 2_000);
  if (error.code === 130429)
    return new ChannelError(
      '130429',
      'WhatsApp throughput limit reached for this number; retrying',
      true,
      4_000,
    );
  if (error.code === 131056)
    return new ChannelError(
      '131056',
      'Too many messages to this customer in a short time; retrying',
      true,
      6_000,
    );
  if (error.httpStatus >= 500 || TRANSIENT.has(error.code))
    return new ChannelError(String(error.code || error.httpStatus), error.title, true, 2_000);
  return statusError(error.code, error.title, error.details);
}

/** A final error from a code (a synchronous answer or a failed status webhook), with its advice. */
export function statusError(code: number, title: string, details?: string): ChannelError {
  const advice = ADVICE[code] ?? 'See Meta’s error code reference.';
  const label = code === 131047 ? 'Outside the 24-hour window' : title;
  const reason = `${label} (${code}). ${advice}${details ? ` Meta says: ${details}` : ''}`;
  // Meta is the authority on the window: a 131047 closes it even when our clock says it is open.
  if (String(code) === WINDOW_CLOSED_CODE) return new WindowClosedError(String(code), reason);
  return new ChannelError(String(code), reason, false);
}
