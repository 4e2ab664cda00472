import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { sessionActions, useTags } from '../api/sessions';

/** Tag checkboxes, shared by the Tags dialog and the wrap-up dialog. */
export function TagPicker({ value, onChange }: { value: string[]; onChange: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const tags = useTags();
  if (tags.data?.length === 0) return <p className="muted">{t('tags.none')}</p>;
  return (
    <fieldset className="tag-picker">
      <legend>{t('tags.title')}</legend>
      {tags.data?.map((tag) => (
        <label key={tag.id} className="tag">
          <input
            type="checkbox"
            checked={value.includes(tag.id)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, tag.id] : value.filter((id) => id !== tag.id))
            }
          />
          <span className="swatch" style={{ background: tag.color ?? '#8a94a6' }} aria-hidden="true" />
          {tag.name}
        </label>
      ))}
    </fieldset>
  );
}

export function TagsDialog({
  sessionId,
  current,
  onClose,
}: {
  sessionId: string;
  current: string[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState(current);
  const [error, setError] = useState<unknown>(null);
  async function save() {
    try {
      await sessionActions.setTags(sessionId, value);
      onClose();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <Dialog title={t('tags.title')} onClose={onClose}>
      <div className="dialog-body">
        <TagPicker value={value} onChange={setValue} />
        <ErrorText error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="primary" onClick={() => void save()}>
            {t('common.save')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
