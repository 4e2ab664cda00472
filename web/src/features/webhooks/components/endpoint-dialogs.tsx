import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { rotateSecret, useDeleteEndpoint, useUpdateEndpoint, type WebhookEndpoint } from '../api/webhooks';
import { EndpointForm } from './endpoint-form';

export function EditEndpointDialog({
  endpoint,
  onClose,
}: {
  endpoint: WebhookEndpoint;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const update = useUpdateEndpoint();
  return (
    <Dialog title={t('webhooks.editTitle', { url: endpoint.url })} onClose={onClose} className="wide">
      <div className="dialog-body">
        <EndpointForm
          endpoint={endpoint}
          submitLabel={t('common.save')}
          onCancel={onClose}
          onSubmit={async (input) => {
            await update(endpoint.id, input);
            onClose();
          }}
        />
      </div>
    </Dialog>
  );
}

/** Rotating breaks the receiver's check until it has the new secret, so it is confirmed first. */
export function RotateSecretDialog({
  endpoint,
  onClose,
  onRotated,
}: {
  endpoint: WebhookEndpoint;
  onClose: () => void;
  onRotated: (secret: string) => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      onRotated(await rotateSecret(endpoint.id));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('webhooks.rotateTitle')} onClose={onClose}>
      <div className="dialog-body">
        <p>{t('webhooks.rotateExplain', { url: endpoint.url })}</p>
        <ErrorText error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void confirm()}>
            {t('webhooks.rotateConfirm')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}

export function DeleteEndpointDialog({
  endpoint,
  onClose,
  onDeleted,
}: {
  endpoint: WebhookEndpoint;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const remove = useDeleteEndpoint();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await remove(endpoint.id);
      onDeleted();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('webhooks.deleteTitle')} onClose={onClose}>
      <div className="dialog-body">
        <p>{t('webhooks.deleteExplain', { url: endpoint.url })}</p>
        <ErrorText error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="primary danger" disabled={busy} onClick={() => void confirm()}>
            {t('webhooks.deleteConfirm')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
