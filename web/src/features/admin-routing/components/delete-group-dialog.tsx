import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { useDeleteGroup, type Group } from '../api/groups';

/**
 * Confirms deleting a group. The server refuses one that is still in use (default group, routing rules,
 * templates, sessions) and says why (`details.reason`), which is shown after "The group was not deleted.".
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
  const deletion = useMutation({ mutationFn: () => remove(group.id), onSuccess: () => onDeleted() });

  return (
    <Dialog title={t('adminRouting.groups.deleteTitle')} onClose={onClose}>
      <div className="dialog-body">
        <p>{t('adminRouting.groups.deleteExplain', { name: group.name })}</p>
        <ErrorText error={deletion.error} detail prefix={t('adminRouting.groups.deleteRefused')} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="primary danger"
            disabled={deletion.isPending}
            onClick={() => deletion.mutate()}
          >
            {t('adminRouting.groups.deleteConfirm')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
