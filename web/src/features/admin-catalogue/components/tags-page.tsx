import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { useDeleteTag, useSaveTag, useTags, type Tag, type TagInput } from '../api/tags';
import { SaveError } from './save-error';
import { PageHead } from '../../../components/ui/page-head';

type Open = { kind: 'add' } | { kind: 'edit' | 'delete'; tag: Tag };

/** The colour a tag without one is shown in, as the workspace shows it. */
const NO_COLOR = '#8a94a6';

/** Tags (administrators): the labels operators put on sessions, with their colours. */
export function TagsPage() {
  const { t } = useTranslation();
  const tags = useTags();
  const save = useSaveTag();
  const remove = useDeleteTag();
  const [open, setOpen] = useState<Open | null>(null);
  const close = () => setOpen(null);

  return (
    <div className="page">
      <main className="page-main">
        <PageHead
          title={t('adminCatalogue.tags.title')}
          action={
            <button type="button" className="primary" onClick={() => setOpen({ kind: 'add' })}>
              {t('adminCatalogue.tags.add')}
            </button>
          }
          intro={t('adminCatalogue.tags.intro')}
        />
        <ErrorText error={tags.error} />
        {tags.data?.length === 0 && <p className="muted">{t('adminCatalogue.tags.none')}</p>}
        {tags.data && tags.data.length > 0 && (
          <table className="data-table catalogue-table" aria-label={t('adminCatalogue.tags.list')}>
            <thead>
              <tr>
                <th scope="col">{t('adminCatalogue.name')}</th>
                <th scope="col">{t('adminCatalogue.tags.color')}</th>
                <th scope="col">
                  <span className="sr-only">{t('adminCatalogue.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tags.data.map((tag) => (
                <tr key={tag.id}>
                  <th scope="row" className="catalogue-name">
                    <span className="tag">
                      <span
                        className="swatch catalogue-swatch"
                        style={{ background: tag.color ?? NO_COLOR }}
                        aria-hidden="true"
                      />
                      {tag.name}
                    </span>
                  </th>
                  <td className="catalogue-color">{tag.color ?? t('adminCatalogue.tags.noColor')}</td>
                  <td className="catalogue-actions">
                    <button type="button" onClick={() => setOpen({ kind: 'edit', tag })}>
                      {t('adminCatalogue.edit')}
                    </button>
                    <button type="button" className="danger" onClick={() => setOpen({ kind: 'delete', tag })}>
                      {t('adminCatalogue.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      {open?.kind === 'add' && (
        <Dialog title={t('adminCatalogue.tags.addTitle')} onClose={close}>
          <TagForm
            submitLabel={t('adminCatalogue.add')}
            onCancel={close}
            onSubmit={async (input) => {
              await save(undefined, input);
              close();
            }}
          />
        </Dialog>
      )}
      {open?.kind === 'edit' && (
        <Dialog title={t('adminCatalogue.tags.editTitle', { name: open.tag.name })} onClose={close}>
          <TagForm
            tag={open.tag}
            submitLabel={t('common.save')}
            onCancel={close}
            onSubmit={async (input) => {
              await save(open.tag.id, input);
              close();
            }}
          />
        </Dialog>
      )}
      {open?.kind === 'delete' && (
        <ConfirmDialog
          title={t('adminCatalogue.tags.deleteTitle')}
          confirmLabel={t('adminCatalogue.tags.deleteConfirm')}
          danger
          action={async () => {
            await remove(open.tag.id);
            close();
          }}
          onClose={close}
        >
          <p>{t('adminCatalogue.tags.deleteExplain', { name: open.tag.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** A tag's name, and its colour if it has one. */
function TagForm({
  tag,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  tag?: Tag;
  submitLabel: string;
  onSubmit: (input: TagInput) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(tag?.name ?? '');
  const [hasColor, setHasColor] = useState(Boolean(tag?.color));
  const [color, setColor] = useState(tag?.color ?? '#2457c5');
  const submission = useMutation({ mutationFn: onSubmit });

  function submit(e: FormEvent) {
    e.preventDefault();
    submission.mutate({ name: name.trim(), color: hasColor ? color : null });
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
          maxLength={60}
        />
      </div>
      <div className="catalogue-color-field">
        <label className="switch">
          <input type="checkbox" checked={hasColor} onChange={(e) => setHasColor(e.target.checked)} />
          {t('adminCatalogue.tags.hasColor')}
        </label>
        <label className="inline-field">
          {t('adminCatalogue.tags.color')}
          <input type="color" value={color} disabled={!hasColor} onChange={(e) => setColor(e.target.value)} />
        </label>
      </div>
      <SaveError error={submission.error} nameTaken={t('adminCatalogue.tags.nameTaken')} />
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
