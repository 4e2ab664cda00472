import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { useRemoveEntry, useUpdateEntry, type BlacklistEntry } from '../api/blacklist';

/** The reason of an entry; what it names stays (remove it and add another for that). */
export function EditEntryDialog({
  entry,
  who,
  onClose,
}: {
  entry: BlacklistEntry;
  who: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const update = useUpdateEntry();
  const [reason, setReason] = useState(entry.reason ?? '');
  const saving = useMutation({
    mutationFn: (newReason: string | null) => update(entry.id, newReason),
    onSuccess: () => onClose(),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    saving.mutate(reason.trim() || null);
  }

  return (
    <Dialog title={t('adminPolicies.blacklist.editTitle', { who })} onClose={onClose}>
      <form className="dialog-body policies-form" onSubmit={submit}>
        <label>
          {t('adminPolicies.blacklist.reason')}
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} rows={3} />
        </label>
        <p className="muted">{t('adminPolicies.blacklist.editExplain')}</p>
        <ErrorText error={saving.error} detail />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={saving.isPending}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function RemoveEntryDialog({
  entry,
  who,
  onClose,
  onRemoved,
}: {
  entry: BlacklistEntry;
  who: string;
  onClose: () => void;
  onRemoved: () => void;
}) {
  const { t } = useTranslation();
  const remove = useRemoveEntry();
  return (
    <ConfirmDialog
      title={t('adminPolicies.blacklist.removeTitle')}
      confirmLabel={t('adminPolicies.blacklist.removeConfirm')}
      danger
      action={async () => {
        await remove(entry.id);
        onRemoved();
      }}
      onClose={onClose}
    >
      <p>{t('adminPolicies.blacklist.removeExplain', { who })}</p>
    </ConfirmDialog>
  );
}
