import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';

const UNKNOWN_VARIABLES = 'Unknown template variable: ';

/**
 * Why the server refused a save. A taken name (409) is said with the section's own words, which are the server's
 * message in the page's language; unknown template variables are named; anything else as `ErrorText` says it.
 */
export function SaveError({ error, nameTaken }: { error: unknown; nameTaken: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const { status, message } = error as { status?: number; message?: string };
  if (status === 409)
    return (
      <p role="alert" className="error">
        {nameTaken}
      </p>
    );
  if (status === 422 && message?.startsWith(UNKNOWN_VARIABLES))
    return (
      <p role="alert" className="error">
        {t('adminCatalogue.templates.unknownVariables', { names: message.slice(UNKNOWN_VARIABLES.length) })}
      </p>
    );
  return <ErrorText error={error} detail />;
}
