import { ChannelError } from '../channel-adapter.js';
import type { MessengerGraphError } from './call-messenger-graph.js';

/** Meta's transient codes (1, 2) and rate limits (4 application, 613 page): worth sending again later. */
const RETRYABLE = new Set([1, 2, 4, 613]);

/**
 * What a failed Send API call means, classified by code first and subcode second (meta-protocols.md §3.5):
 * retryable (5xx, network, transient, rate limits) or final with a sentence an operator can act on.
 */
export function mapMessengerError(error: MessengerGraphError): ChannelError {
  if (error.network) return new ChannelError('network', error.title, true, 2_000);
  const code = `${error.code}${error.subcode ? `/${error.subcode}` : ''}`;
  if (error.httpStatus >= 500 || RETRYABLE.has(error.code)) {
    const rateLimited = error.code === 4 || error.code === 613;
    return new ChannelError(
      code || String(error.httpStatus),
      error.title,
      true,
      rateLimited ? 10_000 : 2_000,
    );
  }
  if (error.code === 10 && error.subcode === 2018278)
    return new ChannelError(
      code,
      `Outside Messenger's allowed window (${code}): the customer last wrote more than 7 days ago, so nothing more can be sent until they write again.`,
      false,
    );
  if (error.code === 10)
    return new ChannelError(
      code,
      `Messenger refused the message (${code}): the app lacks the permission (the Human Agent feature after 24 hours). Meta says: ${error.title}`,
      false,
    );
  if (error.code === 551)
    return new ChannelError(
      code,
      `Customer unavailable (${code}): this person isn't available right now (they may have blocked the Page or deactivated their account).`,
      false,
    );
  if (error.code === 100 && error.subcode === 2018001)
    return new ChannelError(code, `Messenger knows no such customer for this Page (${code}).`, false);
  if (error.code === 190)
    return new ChannelError(
      code,
      `The Page access token is expired or revoked (${code}); reconnect the Facebook Page in administration.`,
      false,
    );
  if (error.code === 200 || error.code === 230)
    return new ChannelError(
      code,
      `The Page may not message this person (${code}). Meta says: ${error.title}`,
      false,
    );
  return new ChannelError(
    code || String(error.httpStatus),
    `Messenger refused the message (${code}). Meta says: ${error.title}`,
    false,
  );
}
