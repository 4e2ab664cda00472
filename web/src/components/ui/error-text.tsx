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
 * An error shown to the user, announced to screen readers. With `detail`, a refused input (400, 422) also shows
 * the server's own message, which says what is wrong with which value (a form's generic text does not).
 */
export function ErrorText({ error, detail = false }: { error: unknown; detail?: boolean }) {
  const text = useErrorText();
  if (!error) return null;
  const { status, message } = error as { status?: number; message?: string };
  const shown = text(error);
  const more = detail && (status === 400 || status === 422) && message && message !== shown ? message : null;
  return (
    <p role="alert" className="error">
      {more ? `${shown}: ${more}` : shown}
    </p>
  );
}
