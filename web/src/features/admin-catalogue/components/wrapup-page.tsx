import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import {
  useAllWrapupReasons,
  useDeleteWrapupReason,
  useSaveWrapupReason,
  type DeleteOutcome,
  type WrapupReason,
} from '../api/wrapup-reasons';
import { SaveError } from './save-error';
import { WrapupRequiredSwitch } from './wrapup-required-switch';
import { PageHead } from '../../../components/ui/page-head';

type Open = { kind: 'add' } | { kind: 'edit' | 'delete'; reason: WrapupReason };

/**
 * Wrap-up reasons (administrators): the list operators pick from at the end of a session, and whether they
 * must. A reason some session used is deactivated rather than deleted, and shown as such.
 */
export function WrapupPage() {
  const { t } = useTranslation();
  const reasons = useAllWrapupReasons();
  const save = useSaveWrapupReason();
  const remove = useDeleteWrapupReason();
  const [open, setOpen] = useState<Open | null>(null);
  const [done, setDone] = useState<{ name: string; outcome: DeleteOutcome['outcome'] } | null>(null);
  const close = () => setOpen(null);

  return (
    <div className="page">
      <main className="page-main">
        <PageHead
          title={t('adminCatalogue.wrapup.title')}
          action={
            <button type="button" className="primary" onClick={() => setOpen({ kind: 'add' })}>
              {t('adminCatalogue.wrapup.add')}
            </button>
          }
          intro={t('adminCatalogue.wrapup.intro')}
        />
        <WrapupRequiredSwitch />
        <p role="status" className="catalogue-outcome">
          {done && t(`adminCatalogue.wrapup.${done.outcome}`, { name: done.name })}
        </p>
        <ErrorText error={reasons.error} />
        {reasons.data?.length === 0 && <p className="muted">{t('adminCatalogue.wrapup.none')}</p>}
        {reasons.data && reasons.data.length > 0 && (
          <table className="data-table catalogue-table" aria-label={t('adminCatalogue.wrapup.list')}>
            <thead>
              <tr>
                <th scope="col">{t('adminCatalogue.name')}</th>
                <th scope="col">{t('adminCatalogue.wrapup.status')}</th>
                <th scope="col">
                  <span className="sr-only">{t('adminCatalogue.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {reasons.data.map((reason) => (
                <ReasonRow
                  key={reason.id}
                  reason={reason}
                  onEdit={() => setOpen({ kind: 'edit', reason })}
                  onDelete={() => setOpen({ kind: 'delete', reason })}
                />
              ))}
            </tbody>
          </table>
        )}
      </main>
      {open?.kind === 'add' && (
        <Dialog title={t('adminCatalogue.wrapup.addTitle')} onClose={close}>
          <ReasonForm
            submitLabel={t('adminCatalogue.add')}
            onCancel={close}
            onSubmit={async (name) => {
              await save(undefined, { name });
              close();
            }}
          />
        </Dialog>
      )}
      {open?.kind === 'edit' && (
        <Dialog title={t('adminCatalogue.wrapup.editTitle', { name: open.reason.name })} onClose={close}>
          <ReasonForm
            reason={open.reason}
            submitLabel={t('common.save')}
            onCancel={close}
            onSubmit={async (name) => {
              await save(open.reason.id, { name });
              close();
            }}
          />
        </Dialog>
      )}
      {open?.kind === 'delete' && (
        <ConfirmDialog
          title={t('adminCatalogue.wrapup.deleteTitle')}
          confirmLabel={t('adminCatalogue.wrapup.deleteConfirm')}
          danger
          action={async () => {
            const { outcome } = await remove(open.reason.id);
            setDone({ name: open.reason.name, outcome });
            close();
          }}
          onClose={close}
        >
          <p>{t('adminCatalogue.wrapup.deleteExplain', { name: open.reason.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** One reason: its name, whether it is offered, and what can be done with it. */
function ReasonRow({
  reason,
  onEdit,
  onDelete,
}: {
  reason: WrapupReason;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  const save = useSaveWrapupReason();
  const activation = useMutation({ mutationFn: (active: boolean) => save(reason.id, { active }) });

  return (
    <tr className={reason.active ? undefined : 'catalogue-inactive'}>
      <th scope="row" className="catalogue-name">
        {reason.name}
      </th>
      <td>
        {reason.active ? (
          <span className="catalogue-status active">{t('adminCatalogue.wrapup.active')}</span>
        ) : (
          <>
            <span className="catalogue-status inactive">{t('adminCatalogue.wrapup.inactive')}</span>
            <span className="muted catalogue-hint">{t('adminCatalogue.wrapup.inactiveHint')}</span>
          </>
        )}
        <ErrorText error={activation.error} />
      </td>
      <td className="catalogue-actions">
        <button type="button" onClick={onEdit}>
          {t('adminCatalogue.edit')}
        </button>
        <button
          type="button"
          disabled={activation.isPending}
          onClick={() => activation.mutate(!reason.active)}
        >
          {reason.active ? t('adminCatalogue.wrapup.deactivate') : t('adminCatalogue.wrapup.activate')}
        </button>
        <button type="button" className="danger" onClick={onDelete}>
          {t('adminCatalogue.delete')}
        </button>
      </td>
    </tr>
  );
}

function ReasonForm({
  reason,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  reason?: WrapupReason;
  submitLabel: string;
  onSubmit: (name: string) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(reason?.name ?? '');
  const submission = useMutation({ mutationFn: onSubmit });

  function submit(e: FormEvent) {
    e.preventDefault();
    submission.mutate(name.trim());
  }

  return (
    <form className="dialog-body catalogue-form" onSubmit={submit}>
      <div className="catalogue-field">
        <label htmlFor={`${id}-name`}>{t('adminCatalogue.name')}</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={120}
        />
      </div>
      <SaveError error={submission.error} nameTaken={t('adminCatalogue.wrapup.nameTaken')} />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" disabled={submission.isPending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
