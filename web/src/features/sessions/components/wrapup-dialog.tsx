import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { sessionActions, useWrapupReasons } from '../api/sessions';
import { TagPicker } from './tags-dialog';
import { useTenantSettings } from '../../../lib/tenant-queries';

/** Ends the session: a reason from a searchable list (required when the tenant says so), a note, tags. */
export function WrapupDialog({
  sessionId,
  tagIds,
  onClose,
  onEnded,
}: {
  sessionId: string;
  tagIds: string[];
  onClose: () => void;
  onEnded: () => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [reasonId, setReasonId] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [tags, setTags] = useState(tagIds);
  const [missingShown, setMissingShown] = useState(false);
  const ending = useMutation({
    mutationFn: (body: Parameters<typeof sessionActions.end>[1]) => sessionActions.end(sessionId, body),
    onSuccess: () => onEnded(),
  });
  const reasons = useWrapupReasons(q.trim());
  const settings = useTenantSettings();
  const required = settings.data?.wrapupRequired ?? false;
  const missing = required && !reasonId;

  function submit(event: FormEvent) {
    event.preventDefault();
    setMissingShown(missing);
    if (missing) return;
    ending.mutate({
      ...(reasonId ? { wrapupReasonId: reasonId } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
      tagIds: tags,
    });
  }

  return (
    <Dialog title={t('wrapup.title')} onClose={onClose} className="wrapup">
      <form className="dialog-body" onSubmit={submit}>
        <label>
          {t('wrapup.search')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} data-autofocus />
        </label>
        <fieldset className="reasons">
          <legend>
            {t('wrapup.reason')} {required && <span className="muted">({t('wrapup.required')})</span>}
          </legend>
          {reasons.data?.length === 0 && <p className="muted">{t('wrapup.noReasons')}</p>}
          {reasons.data?.map((r) => (
            <label key={r.id} className="reason">
              <input
                type="radio"
                name="wrapup-reason"
                checked={reasonId === r.id}
                onChange={() => {
                  setReasonId(r.id);
                  setMissingShown(false);
                  if (ending.isError) ending.reset();
                }}
              />
              {r.name}
            </label>
          ))}
        </fieldset>
        <label>
          {t('wrapup.note')}
          <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={5000} />
        </label>
        <TagPicker value={tags} onChange={setTags} />
        <ErrorText error={missingShown ? { code: 'wrapup_required' } : ending.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary danger" disabled={ending.isPending}>
            {t('wrapup.end')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
