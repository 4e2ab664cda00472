import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { useSetWrapupRequired, useTenantSettings } from '../api/wrapup-reasons';

/** The tenant's `wrapupRequired`: saved when switched, moved back if the server refuses. */
export function WrapupRequiredSwitch() {
  const { t } = useTranslation();
  const settings = useTenantSettings();
  const setRequired = useSetWrapupRequired();
  const [pending, setPending] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function change(required: boolean) {
    setPending(required);
    setError(null);
    try {
      await setRequired(required);
    } catch (e) {
      setError(e);
    } finally {
      setPending(null);
    }
  }

  return (
    <div className="catalogue-setting">
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={pending ?? settings.data?.wrapupRequired ?? false}
          disabled={!settings.data || pending !== null}
          onChange={(e) => void change(e.target.checked)}
        />
        {t('adminCatalogue.wrapup.required')}
      </label>
      <ErrorText error={error ?? settings.error} />
    </div>
  );
}
