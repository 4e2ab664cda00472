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

/** A question with Cancel and a confirming button that runs `action`; its failure is shown in the dialog. */
function ConfirmDialog({
  title,
  text,
  confirmLabel,
  danger = false,
  action,
  onClose,
}: {
  title: string;
  text: string;
  confirmLabel: string;
  danger?: boolean;
  action: () => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Dialog title={title} onClose={onClose}>
      <div className="dialog-body">
        <p>{text}</p>
        <ErrorText error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className={danger ? 'primary danger' : 'primary'}
            disabled={busy}
            onClick={() => void confirm()}
          >
            {confirmLabel}
          </button>
        </div>
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
  return (
    <ConfirmDialog
      title={t('webhooks.rotateTitle')}
      text={t('webhooks.rotateExplain', { url: endpoint.url })}
      confirmLabel={t('webhooks.rotateConfirm')}
      action={async () => onRotated(await rotateSecret(endpoint.id))}
      onClose={onClose}
    />
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
  return (
    <ConfirmDialog
      title={t('webhooks.deleteTitle')}
      text={t('webhooks.deleteExplain', { url: endpoint.url })}
      confirmLabel={t('webhooks.deleteConfirm')}
      danger
      action={async () => {
        await remove(endpoint.id);
        onDeleted();
      }}
      onClose={onClose}
    />
  );
}
