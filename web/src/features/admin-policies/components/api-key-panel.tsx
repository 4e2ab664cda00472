import { useTranslation } from 'react-i18next';
import { ShownOncePanel } from '../../../components/ui/shown-once-panel';

/** A key just issued, shown this once (only its hash is stored), with the header an integration sends it in. */
export function ApiKeyPanel({ name, apiKey, onDone }: { name: string; apiKey: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <ShownOncePanel
      title={t('adminPolicies.apiKeys.keyTitle', { name })}
      warning={t('adminPolicies.apiKeys.keyOnce')}
      use={
        <>
          {t('adminPolicies.apiKeys.keyUse')} <code>Authorization: Bearer …</code>
        </>
      }
      label={t('adminPolicies.apiKeys.key')}
      value={apiKey}
      doneLabel={t('adminPolicies.apiKeys.keyDone')}
      onDone={onDone}
    />
  );
}
