import { useTranslation } from 'react-i18next';

/** Translates an error by its stable code; the server's own message is the fallback. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => {
    const { code, message } = (error ?? {}) as { code?: string; message?: string };
    return t(`errors.${code ?? 'internal'}`, { defaultValue: message || t('errors.internal') });
  };
}

/**
 * An error shown to the user, announced to screen readers. With `detail`, a form's refusal says what is wrong in
 * the server's own words: a refused value (400, 422) after the generic text, a conflict (409: "A user with this
 * e-mail already exists") instead of it, whose generic text would not say what is in the way; a check the page
 * made itself (an `Error`, not an answer of the server) by its message.
 */
export function ErrorText({ error, detail = false }: { error: unknown; detail?: boolean }) {
  const text = useErrorText();
  if (!error) return null;
  const { status, message } = error as { status?: number; message?: string };
  const shown = text(error);
  let said = shown;
  if (detail && message) {
    if (status === 409 || status === undefined) said = message;
    else if ((status === 400 || status === 422) && message !== shown) said = `${shown}: ${message}`;
  }
  return (
    <p role="alert" className="error">
      {said}
    </p>
  );
}
