import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { useDeleteGroup, type Group } from '../api/groups';
import { RefusalText } from './refusal-text';

/**
 * Confirms deleting a group. The server refuses one that is still in use (default group, routing rules,
 * templates, sessions) and says why; that reason is shown here as it is, since no general text fits it.
 */
export function DeleteGroupDialog({
  group,
  onClose,
  onDeleted,
}: {
  group: Group;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const remove = useDeleteGroup();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await remove(group.id);
      onDeleted();
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('adminRouting.groups.deleteTitle')} onClose={onClose}>
      <div className="dialog-body">
        <p>{t('adminRouting.groups.deleteExplain', { name: group.name })}</p>
        <RefusalText error={error} prefix={t('adminRouting.groups.deleteRefused')} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="primary danger" disabled={busy} onClick={() => void confirm()}>
            {t('adminRouting.groups.deleteConfirm')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
