import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { useAllWhatsAppTemplates, useSyncTemplates, type AdminChannelAccount } from '../api/channel-accounts';

/** A WhatsApp number's message templates as last read from its Business Account, with a button to read them now. */
export function TemplatesPanel({ account, onClose }: { account: AdminChannelAccount; onClose: () => void }) {
  const { t } = useTranslation();
  const templates = useAllWhatsAppTemplates(account.id);
  const sync = useSyncTemplates();
  const syncing = useMutation({ mutationFn: () => sync(account.id) });
  const title = t('adminChannels.templatesOf', { name: account.name });

  return (
    <aside className="detail-panel channels-templates" aria-label={title}>
      <header className="detail-head">
        <h2>{title}</h2>
        <button type="button" className="icon" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <div className="channels-templates-actions">
        <button
          type="button"
          className="primary"
          disabled={syncing.isPending}
          onClick={() => syncing.mutate()}
        >
          {t('adminChannels.sync')}
        </button>
        <span role="status" className="muted">
          {syncing.data ? t('adminChannels.synced', { count: syncing.data.synced }) : ''}
        </span>
      </div>
      <ErrorText error={syncing.error ?? templates.error} />
      {templates.data && templates.data.length === 0 && (
        <p className="muted">{t('adminChannels.noTemplates')}</p>
      )}
      {templates.data && templates.data.length > 0 && (
        <table className="data-table" aria-label={t('adminChannels.templates')}>
          <thead>
            <tr>
              <th scope="col">{t('adminChannels.templateName')}</th>
              <th scope="col">{t('adminChannels.language')}</th>
              <th scope="col">{t('adminChannels.category')}</th>
              <th scope="col">{t('adminChannels.status')}</th>
            </tr>
          </thead>
          <tbody>
            {templates.data.map((template) => (
              <tr key={template.id}>
                <td className="channels-template-name">{template.name}</td>
                <td>{template.language}</td>
                <td>{categoryText(t, template.category)}</td>
                <td>
                  <span className={`channels-template-status ${template.status.toLowerCase()}`}>
                    {statusText(t, template.status)}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}

type T = ReturnType<typeof useTranslation>['t'];
/** Meta's words (APPROVED, MARKETING) in the page's language; a value this page does not know is shown as is. */
const statusText = (t: T, status: string) =>
  t(`adminChannels.templateStatus.${status.toLowerCase()}`, { defaultValue: status });
const categoryText = (t: T, category: string) =>
  t(`adminChannels.templateCategory.${category.toLowerCase()}`, { defaultValue: category });
