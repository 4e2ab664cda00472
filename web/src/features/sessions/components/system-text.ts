import type { TFunction } from 'i18next';
import type { Message, Session } from '../../../lib/types';

/** The tenant's default end text; a text of its own is shown as written, not translated. */
const DEFAULT_END_TEXT = 'This conversation has ended. Thank you for contacting us.';

/**
 * A system text in the operator's language: the server stores its key and values (`systemText`, `systemVars`)
 * beside the text it sent the customer. Texts the tenant wrote stay as they are.
 */
function translateSystemText(
  t: TFunction,
  text: string | null,
  key: unknown,
  vars: Record<string, string>,
): string | null {
  if (typeof key !== 'string') return text;
  if (key === 'session_ended' && text !== DEFAULT_END_TEXT) return text;
  if (key === 'offline' && vars.text) return text;
  return t(`system.${key}`, { ...vars, defaultValue: text ?? '' });
}

/** A system message of the timeline in the operator's language. */
export function systemTextOf(message: Message, t: TFunction): string | null {
  const vars = (message.metadata.systemVars ?? {}) as Record<string, string>;
  return translateSystemText(t, message.text, message.metadata.systemText, vars);
}

/** The session list's last message, a system one in the operator's language. */
export function lastMessageText(last: NonNullable<Session['lastMessage']>, t: TFunction): string | null {
  if (last.authorKind !== 'system') return last.text;
  return translateSystemText(t, last.text, last.systemText, last.systemVars ?? {});
}
