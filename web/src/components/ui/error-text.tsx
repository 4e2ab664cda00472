import type { i18n as I18n } from 'i18next';
import { useTranslation } from 'react-i18next';

interface ErrorLike {
  status?: number;
  code?: string;
  message?: string;
  details?: { field?: string; reason?: string; count?: number };
}

const countOf = (details: ErrorLike['details']) =>
  details?.count !== undefined ? { count: details.count } : {};

/** The text naming what is in the way (`errors.already_exists_email`), where the server says it and one exists. */
function specificKey(i18n: I18n, { code, details }: ErrorLike): string | undefined {
  const which = details?.field ?? details?.reason;
  const key = `errors.${code}_${which}`;
  return which !== undefined && i18n.exists(key, countOf(details)) ? key : undefined;
}

/**
 * Translates an error by its stable code; the server's own message is the fallback. Where the server says which
 * value is taken (`details.field`) or why something is still in use (`details.reason`), the text for that comes
 * first (`errors.already_exists_email`, `errors.in_use_routing_rules` with its count).
 */
export function useErrorText(): (error: unknown) => string {
  const { t, i18n } = useTranslation();
  return (error) => {
    const { code, message, details } = (error ?? {}) as ErrorLike;
    const key = specificKey(i18n, { code, details }) ?? `errors.${code ?? 'internal'}`;
    return t(key, { defaultValue: message || t('errors.internal'), ...countOf(details) });
  };
}

/**
 * An error shown to the user, announced to screen readers. With `detail`, a form's refusal says what is wrong:
 * a refused value (400, 422) in the server's words after the generic text; a conflict (409) by its own text when
 * the server says what is in the way (a name taken, a group still in use), otherwise in the server's words, since
 * the generic text would not say it; a check the page made itself (an `Error`, not an answer of the server) by its
 * message. `prefix` goes before a conflict's text ("The group was not deleted.").
 */
export function ErrorText({
  error,
  detail = false,
  prefix,
}: {
  error: unknown;
  detail?: boolean;
  prefix?: string;
}) {
  const text = useErrorText();
  const { i18n } = useTranslation();
  if (!error) return null;
  const { status, message } = error as ErrorLike;
  const shown = text(error);
  let said = shown;
  if (detail && message) {
    if (status === undefined || (status === 409 && !specificKey(i18n, error as ErrorLike))) said = message;
    else if ((status === 400 || status === 422) && message !== shown) said = `${shown}: ${message}`;
  }
  if (prefix && status === 409) said = `${prefix} ${said}`;
  return (
    <p role="alert" className="error">
      {said}
    </p>
  );
}
