import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { useDeleteTemplate, useSaveTemplate, useTemplates, type Template } from '../api/templates';
import { TemplateForm } from './template-form';
import { useGroups } from '../../../lib/tenant-queries';
import { PageHead } from '../../../components/ui/page-head';

type Open = { kind: 'add' } | { kind: 'edit' | 'delete'; template: Template };

/** Canned replies (administrators): searched, added, changed and deleted; each for everyone or for one group. */
export function TemplatesPage() {
  const { t } = useTranslation();
  const templates = useTemplates();
  const groups = useGroups();
  const save = useSaveTemplate();
  const remove = useDeleteTemplate();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState<Open | null>(null);
  const close = () => setOpen(null);

  const needle = q.trim().toLocaleLowerCase();
  const shown = templates.data?.filter(
    (x) => !needle || `${x.name}\n${x.body}`.toLocaleLowerCase().includes(needle),
  );
  const scopeOf = (groupId: string | null) => {
    if (!groupId) return t('adminCatalogue.templates.everyone');
    const group = groups.data?.find((g) => g.id === groupId);
    return group ? t('adminCatalogue.templates.group', { name: group.name }) : '…';
  };

  return (
    <div className="page">
      <main className="page-main">
        <PageHead
          title={t('adminCatalogue.templates.title')}
          action={
            <button type="button" className="primary" onClick={() => setOpen({ kind: 'add' })}>
              {t('adminCatalogue.templates.add')}
            </button>
          }
          intro={t('adminCatalogue.templates.intro')}
        />
        <input
          type="search"
          className="catalogue-search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          aria-label={t('adminCatalogue.templates.search')}
          placeholder={t('adminCatalogue.templates.searchPlaceholder')}
        />
        <ErrorText error={templates.error} />
        {templates.data?.length === 0 && <p className="muted">{t('adminCatalogue.templates.none')}</p>}
        {templates.data && templates.data.length > 0 && shown?.length === 0 && (
          <p className="muted">{t('adminCatalogue.templates.noMatch', { q: q.trim() })}</p>
        )}
        {shown && shown.length > 0 && (
          <table className="data-table catalogue-table" aria-label={t('adminCatalogue.templates.list')}>
            <thead>
              <tr>
                <th scope="col">{t('adminCatalogue.name')}</th>
                <th scope="col">{t('adminCatalogue.templates.scope')}</th>
                <th scope="col">{t('adminCatalogue.templates.text')}</th>
                <th scope="col">
                  <span className="sr-only">{t('adminCatalogue.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((template) => (
                <tr key={template.id}>
                  <th scope="row" className="catalogue-name">
                    {template.name}
                  </th>
                  <td className="catalogue-scope">{scopeOf(template.groupId)}</td>
                  <td className="catalogue-body" title={template.body}>
                    {template.body}
                  </td>
                  <td className="catalogue-actions">
                    <button type="button" onClick={() => setOpen({ kind: 'edit', template })}>
                      {t('adminCatalogue.edit')}
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setOpen({ kind: 'delete', template })}
                    >
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
        <Dialog title={t('adminCatalogue.templates.addTitle')} onClose={close} className="wide">
          <div className="dialog-body">
            <TemplateForm
              submitLabel={t('adminCatalogue.add')}
              onCancel={close}
              onSubmit={async (input) => {
                await save(undefined, input);
                close();
              }}
            />
          </div>
        </Dialog>
      )}
      {open?.kind === 'edit' && (
        <Dialog
          title={t('adminCatalogue.templates.editTitle', { name: open.template.name })}
          onClose={close}
          className="wide"
        >
          <div className="dialog-body">
            <TemplateForm
              template={open.template}
              submitLabel={t('common.save')}
              onCancel={close}
              onSubmit={async (input) => {
                await save(open.template.id, input);
                close();
              }}
            />
          </div>
        </Dialog>
      )}
      {open?.kind === 'delete' && (
        <ConfirmDialog
          title={t('adminCatalogue.templates.deleteTitle')}
          confirmLabel={t('adminCatalogue.templates.deleteConfirm')}
          danger
          action={async () => {
            await remove(open.template.id);
            close();
          }}
          onClose={close}
        >
          <p>{t('adminCatalogue.templates.deleteExplain', { name: open.template.name })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
