import type { ComposerState, ResumePolicy, WindowInput } from '../channel-adapter.js';

const HOUR = 3600_000;
/** Standard messaging: 24 hours after the customer's last message. */
export const RESPONSE_WINDOW_MS = 24 * HOUR;
/** A human agent may answer up to 7 days after the customer's last message, with the HUMAN_AGENT tag. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR;

export type MessagingType =
  { messaging_type: 'RESPONSE' } | { messaging_type: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' };

/**
 * How a message may go out now (meta-protocols.md §3.5): RESPONSE within 24 h of the customer's last message,
 * MESSAGE_TAG + HUMAN_AGENT from 24 h to 7 days, nothing after (undefined).
 */
export function messagingTypeAt(lastCustomerMessageAt: Date | null, now: Date): MessagingType | undefined {
  if (!lastCustomerMessageAt) return undefined;
  const elapsed = now.getTime() - lastCustomerMessageAt.getTime();
  if (elapsed < RESPONSE_WINDOW_MS) return { messaging_type: 'RESPONSE' };
  if (elapsed <= HUMAN_AGENT_WINDOW_MS) return { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
  return undefined;
}

const formatted = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Why nothing can be sent on Messenger now. */
export function closedReason(lastCustomerMessageAt: Date | null): string {
  return lastCustomerMessageAt
    ? `More than 7 days have passed since the customer's last message (${formatted(lastCustomerMessageAt)}): Messenger allows nothing more until the customer writes again.`
    : 'The customer has not written on Messenger yet: the Page may only answer a customer who wrote first.';
}

/**
 * The composer on Messenger: free text and files until 7 days after the customer's last message. After 24 hours
 * replies carry the HUMAN_AGENT tag, which the composer says (human replies only); after 7 days nothing can be sent.
 */
export function messengerComposerState(input: WindowInput): ComposerState {
  const last = input.lastCustomerMessageAt;
  const type = messagingTypeAt(last, input.now);
  if (!type || !last)
    return {
      freeText: false,
      freeTextUntil: last ? new Date(last.getTime() + HUMAN_AGENT_WINDOW_MS) : null,
      otherwise: 'nothing',
      reason: closedReason(last),
    };
  const until = new Date(last.getTime() + HUMAN_AGENT_WINDOW_MS);
  if (type.messaging_type === 'RESPONSE')
    return { freeText: true, freeTextUntil: until, otherwise: 'nothing' };
  return {
    freeText: true,
    freeTextUntil: until,
    otherwise: 'nothing',
    reason: `More than 24 hours have passed since the customer's last message: replies go out with Meta's HUMAN_AGENT tag (a person's replies only, no automated messages) until ${formatted(until)}.`,
  };
}

/** Resuming on Messenger: within 7 days of the customer's last message (tagged after the first 24 h); refused after. */
export function messengerResumePolicy(input: WindowInput): ResumePolicy {
  if (!messagingTypeAt(input.lastCustomerMessageAt, input.now))
    return { allowed: false, reason: closedReason(input.lastCustomerMessageAt) };
  return { allowed: true, opensWith: 'free_text' };
}
