import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';

/**
 * One part of the settings as a form of its own: a heading, the fields, and a save button. What the server
 * refuses is shown with its reason; a save that went through says so until the next change. The browser does not
 * check the fields itself: the server's rules (and messages) are the ones that count.
 */
export function SettingsSection({
  title,
  area,
  saveLabel,
  description,
  children,
  onSave,
  onChange,
  dirty = false,
}: {
  title: string;
  /** Where the section sits in the page's grid. */
  area: 'sessions' | 'files' | 'retention';
  saveLabel: string;
  description?: ReactNode;
  children: ReactNode;
  /** Saves; resolves with false when nothing was saved after all (a confirmation declined). */
  onSave: () => Promise<boolean | void>;
  /** Called on any edit inside the form: the saved note goes away. */
  onChange?: () => void;
  /** The fields differ from what is saved (for edits that are not input events, such as removing an entry). */
  dirty?: boolean;
}) {
  const { t } = useTranslation();
  const titleId = useId();
  const [saved, setSaved] = useState(false);
  const saving = useMutation({ mutationFn: onSave, onSuccess: (result) => setSaved(result !== false) });

  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    saving.mutate();
  }

  return (
    <section className={`settings-section settings-${area}`} aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {description}
      <form
        className="settings-form"
        aria-labelledby={titleId}
        onSubmit={submit}
        noValidate
        onChange={() => {
          setSaved(false);
          onChange?.();
        }}
      >
        {children}
        <ErrorText error={saving.error} detail />
        <div className="settings-actions">
          <button type="submit" className="primary" disabled={saving.isPending}>
            {saveLabel}
          </button>
          <p role="status" className="settings-saved">
            {saved && !dirty ? t('adminSettings.saved') : ''}
          </p>
        </div>
      </form>
    </section>
  );
}
