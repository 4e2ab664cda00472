import type { TFunction } from 'i18next';
import type { Message } from '../../../lib/types';

/** The tenant's default end text; a text of its own is shown as written, not translated. */
const DEFAULT_END_TEXT = 'This conversation has ended. Thank you for contacting us.';

/**
 * A system message in the operator's language: the server stores its key and values (`metadata.systemText`,
 * `metadata.systemVars`) beside the text it sent the customer. Texts the tenant wrote stay as they are.
 */
export function systemTextOf(message: Message, t: TFunction): string | null {
  const key = message.metadata.systemText;
  const vars = (message.metadata.systemVars ?? {}) as Record<string, string>;
  if (typeof key !== 'string') return message.text;
  if (key === 'session_ended' && message.text !== DEFAULT_END_TEXT) return message.text;
  if (key === 'offline' && vars.text) return message.text;
  return t(`system.${key}`, { ...vars, defaultValue: message.text ?? '' });
}
