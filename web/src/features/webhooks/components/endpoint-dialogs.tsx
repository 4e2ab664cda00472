import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Dialog } from '../../../components/ui/dialog';
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
  return (
    <ConfirmDialog
      title={t('webhooks.rotateTitle')}
      confirmLabel={t('webhooks.rotateConfirm')}
      action={async () => onRotated(await rotateSecret(endpoint.id))}
      onClose={onClose}
    >
      <p>{t('webhooks.rotateExplain', { url: endpoint.url })}</p>
    </ConfirmDialog>
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
      confirmLabel={t('webhooks.deleteConfirm')}
      danger
      action={async () => {
        await remove(endpoint.id);
        onDeleted();
      }}
      onClose={onClose}
    >
      <p>{t('webhooks.deleteExplain', { url: endpoint.url })}</p>
    </ConfirmDialog>
  );
}
