import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { apiDocsUrl, useApiKeys, useRevokeApiKey, type ApiKey } from '../api/api-keys';
import { ApiKeyForm } from './api-key-form';
import { ApiKeyPanel } from './api-key-panel';
import { useDateTime } from './date-time';
import { PageHead } from '../../../components/ui/page-head';

/**
 * API keys (administrators): the keys integrations call the REST API with, who issued each and when it was last
 * used. A new key is shown once; a revoked one is refused at once.
 */
export function ApiKeysPage() {
  const { t } = useTranslation();
  const apiKeys = useApiKeys();
  const dateTime = useDateTime();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  return (
    <div className="page">
      <main className="page-main">
        <PageHead
          title={t('adminPolicies.apiKeys.title')}
          action={
            !creating && (
              <button type="button" className="primary" onClick={() => setCreating(true)}>
                {t('adminPolicies.apiKeys.create')}
              </button>
            )
          }
          intro={
            <>
              {t('adminPolicies.apiKeys.intro')}{' '}
              <a href={apiDocsUrl} target="_blank" rel="noopener noreferrer">
                {t('adminPolicies.apiKeys.docs')}
              </a>
            </>
          }
        />
        {shown && <ApiKeyPanel name={shown.name} apiKey={shown.key} onDone={() => setShown(null)} />}
        {creating && (
          <section className="policies-panel" aria-label={t('adminPolicies.apiKeys.createTitle')}>
            <h2>{t('adminPolicies.apiKeys.createTitle')}</h2>
            <ApiKeyForm
              onCancel={() => setCreating(false)}
              onCreated={(created) => {
                setCreating(false);
                setShown({ name: created.name, key: created.key });
              }}
            />
          </section>
        )}
        <ErrorText error={apiKeys.error} />
        {apiKeys.data && apiKeys.data.length === 0 && (
          <p className="muted">{t('adminPolicies.apiKeys.none')}</p>
        )}
        {apiKeys.data && apiKeys.data.length > 0 && (
          <table className="data-table" aria-label={t('adminPolicies.apiKeys.list')}>
            <thead>
              <tr>
                <th scope="col">{t('adminPolicies.apiKeys.name')}</th>
                <th scope="col">{t('adminPolicies.apiKeys.key')}</th>
                <th scope="col">{t('adminPolicies.apiKeys.role')}</th>
                <th scope="col">{t('adminPolicies.apiKeys.created')}</th>
                <th scope="col">{t('adminPolicies.apiKeys.lastUsed')}</th>
                <th scope="col">
                  <span className="sr-only">{t('adminPolicies.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {apiKeys.data.map((key) => (
                <tr key={key.id} data-testid="api-key">
                  <td className="policies-value">{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{t(`adminPolicies.apiKeys.roles.${key.role}`)}</td>
                  <td>
                    {dateTime(key.createdAt)}
                    <span className="muted policies-by">
                      {key.createdByName
                        ? t('adminPolicies.apiKeys.by', { name: key.createdByName })
                        : t('adminPolicies.apiKeys.byKey')}
                    </span>
                  </td>
                  <td>{key.lastUsedAt ? dateTime(key.lastUsedAt) : t('adminPolicies.apiKeys.never')}</td>
                  <td className="policies-actions">
                    <button
                      type="button"
                      className="danger"
                      aria-label={t('adminPolicies.apiKeys.revokeLabel', { name: key.name })}
                      onClick={() => setRevoking(key)}
                    >
                      {t('adminPolicies.apiKeys.revoke')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      {revoking && <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} />}
    </div>
  );
}

/** Revoking cuts off every integration using the key, and cannot be undone, so it is confirmed first. */
function RevokeDialog({ apiKey, onClose }: { apiKey: ApiKey; onClose: () => void }) {
  const { t } = useTranslation();
  const revoke = useRevokeApiKey();
  return (
    <ConfirmDialog
      title={t('adminPolicies.apiKeys.revokeTitle')}
      confirmLabel={t('adminPolicies.apiKeys.revokeConfirm')}
      danger
      action={async () => {
        await revoke(apiKey.id);
        onClose();
      }}
      onClose={onClose}
    >
      <p>{t('adminPolicies.apiKeys.revokeExplain', { name: apiKey.name, prefix: apiKey.prefix })}</p>
    </ConfirmDialog>
  );
}
