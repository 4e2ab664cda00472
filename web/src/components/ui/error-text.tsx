import { useTranslation } from 'react-i18next';

/** Translates an error by its stable code; the server's own message is the fallback. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error) => {
    const { code, message } = (error ?? {}) as { code?: string; message?: string };
    return t(`errors.${code ?? 'internal'}`, { defaultValue: message || t('errors.internal') });
  };
}

/** An error shown to the user, announced to screen readers. */
export function ErrorText({ error }: { error: unknown }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {text(error)}
    </p>
  );
}
