import { useMutation } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  fillTemplate,
  templateVariables,
  unknownVariables,
  type Template,
  type TemplateInput,
  type TemplateVariable,
} from '../api/templates';
import { SaveError } from './save-error';
import { useGroups } from '../../../lib/tenant-queries';

/**
 * A canned reply's name, scope and text, with the placeholders the server fills (a click inserts one at the
 * cursor) and a live preview filled with example values, as plain text.
 */
export function TemplateForm({
  template,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  template?: Template;
  submitLabel: string;
  onSubmit: (input: TemplateInput) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const groups = useGroups();
  const id = useId();
  const helpId = `${id}-help`;
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const [name, setName] = useState(template?.name ?? '');
  const [groupId, setGroupId] = useState(template?.groupId ?? '');
  const [body, setBody] = useState(template?.body ?? '');
  const submission = useMutation({ mutationFn: onSubmit });
  // An edit takes the refusal away; a save on its way keeps going.
  const clearError = () => {
    if (submission.isError) submission.reset();
  };

  const examples = Object.fromEntries(
    templateVariables.map((v) => [v, t(`adminCatalogue.templates.example.${v}`)]),
  ) as Record<TemplateVariable, string>;
  const unknown = unknownVariables(body);

  function insert(variable: TemplateVariable) {
    const box = bodyRef.current!;
    const text = `{{${variable}}}`;
    const start = box.selectionStart ?? body.length;
    const end = box.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + text + body.slice(end));
    requestAnimationFrame(() => {
      box.focus();
      box.setSelectionRange(start + text.length, start + text.length);
    });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    submission.mutate({ name: name.trim(), body, groupId: groupId || null });
  }

  return (
    <form className="catalogue-form" onSubmit={submit}>
      <div className="catalogue-row">
        <div className="catalogue-field">
          <label htmlFor={`${id}-name`}>{t('adminCatalogue.name')}</label>
          <input
            id={`${id}-name`}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              clearError();
            }}
            required
            maxLength={100}
          />
        </div>
        <div className="catalogue-field">
          <label htmlFor={`${id}-scope`}>{t('adminCatalogue.templates.scope')}</label>
          <select id={`${id}-scope`} value={groupId} onChange={(e) => setGroupId(e.target.value)}>
            <option value="">{t('adminCatalogue.templates.everyone')}</option>
            {groups.data?.map((group) => (
              <option key={group.id} value={group.id}>
                {t('adminCatalogue.templates.group', { name: group.name })}
              </option>
            ))}
            {groupId && groups.data && !groups.data.some((g) => g.id === groupId) && (
              <option value={groupId}>{t('adminCatalogue.templates.unknownGroup')}</option>
            )}
          </select>
        </div>
      </div>
      <div className="catalogue-field">
        <label htmlFor={`${id}-text`}>{t('adminCatalogue.templates.text')}</label>
        <textarea
          id={`${id}-text`}
          ref={bodyRef}
          value={body}
          onChange={(e) => {
            setBody(e.target.value);
            clearError();
          }}
          required
          maxLength={4096}
          rows={5}
          aria-describedby={helpId}
        />
      </div>
      <div className="catalogue-help">
        <p id={helpId} className="muted">
          {t('adminCatalogue.templates.placeholdersHelp')}
        </p>
        <ul className="chips" aria-label={t('adminCatalogue.templates.placeholders')}>
          {templateVariables.map((variable) => (
            <li key={variable}>
              <button
                type="button"
                className="chip catalogue-variable"
                title={t(`adminCatalogue.templates.variable.${variable}`)}
                aria-label={t('adminCatalogue.templates.insert', { variable: `{{${variable}}}` })}
                onClick={() => insert(variable)}
              >
                {`{{${variable}}}`}
              </button>
            </li>
          ))}
        </ul>
      </div>
      <section
        className="template-preview catalogue-preview"
        aria-label={t('adminCatalogue.templates.preview')}
      >
        <h3>{t('adminCatalogue.templates.preview')}</h3>
        <p className="pre" data-testid="template-preview">
          {body ? fillTemplate(body, examples) : t('adminCatalogue.templates.previewEmpty')}
        </p>
        {unknown.length > 0 ? (
          <p className="error">
            {t('adminCatalogue.templates.unknownPreview', { names: unknown.join(', ') })}
          </p>
        ) : (
          <p className="muted catalogue-note">{t('adminCatalogue.templates.previewHelp')}</p>
        )}
      </section>
      <SaveError error={submission.error} nameTaken={t('adminCatalogue.templates.nameTaken')} />
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
