import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { useSetWrapupRequired } from '../api/wrapup-reasons';
import { useTenantSettings } from '../../../lib/tenant-queries';

/** The tenant's `wrapupRequired`: saved when switched, moved back if the server refuses. */
export function WrapupRequiredSwitch() {
  const { t } = useTranslation();
  const settings = useTenantSettings();
  const setRequired = useSetWrapupRequired();
  const change = useMutation({ mutationFn: setRequired });

  return (
    <div className="catalogue-setting">
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={change.isPending ? change.variables : (settings.data?.wrapupRequired ?? false)}
          disabled={!settings.data || change.isPending}
          onChange={(e) => change.mutate(e.target.checked)}
        />
        {t('adminCatalogue.wrapup.required')}
      </label>
      <ErrorText error={change.error ?? settings.error} />
    </div>
  );
}
