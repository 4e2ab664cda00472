import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { useBlockedFileTypes } from '../api/settings';
import { FilesSettings } from './files-settings';
import { RetentionSettings } from './retention-settings';
import { SessionsSettings } from './sessions-settings';
import { useTenantSettings } from '../../../lib/tenant-queries';
import { PageHead } from '../../../components/ui/page-head';

/**
 * General settings (administrators): how sessions end and where they go, which file types are refused, and how
 * long ended sessions are kept. Each part is saved on its own.
 */
export function SettingsPage() {
  const { t } = useTranslation();
  const settings = useTenantSettings();
  const blocked = useBlockedFileTypes();

  return (
    <div className="page">
      <main className="page-main settings-main">
        <PageHead title={t('adminSettings.title')} intro={t('adminSettings.intro')} />
        <ErrorText error={settings.error ?? blocked.error} />
        {(settings.isPending || blocked.isPending) && <p className="muted">{t('common.loading')}</p>}
        <div className="settings-grid">
          {settings.data && <SessionsSettings settings={settings.data} />}
          {blocked.data && <FilesSettings blocked={blocked.data} />}
          {settings.data && <RetentionSettings retentionDays={settings.data.retentionDays} />}
        </div>
      </main>
    </div>
  );
}
