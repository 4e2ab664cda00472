import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_BLOCKED_FILE_TYPES, useSetBlockedFileTypes, type BlockedFileTypes } from '../api/settings';
import { SettingsSection } from './settings-section';

type Kind = keyof BlockedFileTypes;

/** What the server accepts (files.schema.ts): an extension with or without its dot, a type or a family (`video/*`). */
const PATTERNS: Record<Kind, RegExp> = {
  extensions: /^\.?[A-Za-z0-9_-]{1,20}$/,
  mimeTypes: /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*|\*)$/,
};

/** How the server stores an entry: lower case, an extension without its dot. */
function normalise(kind: Kind, value: string): string {
  const v = value.trim().toLowerCase();
  return kind === 'extensions' ? v.replace(/^\./, '') : v;
}

function sameTypes(a: BlockedFileTypes, b: BlockedFileTypes): boolean {
  const key = (v: BlockedFileTypes) => JSON.stringify([[...v.extensions].sort(), [...v.mimeTypes].sort()]);
  return key(a) === key(b);
}

/** The tenant's blocked file types: by extension and by MIME type, refused on every channel both ways. */
export function FilesSettings({ blocked }: { blocked: BlockedFileTypes }) {
  const { t } = useTranslation();
  const setBlocked = useSetBlockedFileTypes();
  const [value, setValue] = useState<BlockedFileTypes>(blocked);

  async function save() {
    setValue(await setBlocked(value));
  }

  const defaults = DEFAULT_BLOCKED_FILE_TYPES;
  return (
    <SettingsSection
      area="files"
      title={t('adminSettings.files.title')}
      saveLabel={t('adminSettings.files.save')}
      onSave={save}
      dirty={!sameTypes(value, blocked)}
      description={
        <>
          <p className="muted settings-hint">{t('adminSettings.files.intro')}</p>
          <p className="muted settings-hint">
            {t('adminSettings.files.defaults', {
              extensions: defaults.extensions.map((e) => `.${e}`).join(', '),
              mimeTypes: defaults.mimeTypes.join(', '),
            })}
          </p>
        </>
      }
    >
      <div className="settings-row settings-blocked">
        {(['extensions', 'mimeTypes'] as const).map((kind) => (
          <BlockedList
            key={kind}
            kind={kind}
            items={value[kind]}
            onChange={(items) => setValue((v) => ({ ...v, [kind]: items }))}
          />
        ))}
      </div>
      <div>
        <button type="button" onClick={() => setValue({ ...defaults })}>
          {t('adminSettings.files.restoreDefaults')}
        </button>
      </div>
    </SettingsSection>
  );
}

function BlockedList({
  kind,
  items,
  onChange,
}: {
  kind: Kind;
  items: string[];
  onChange: (items: string[]) => void;
}) {
  const { t } = useTranslation();
  const invalidId = useId();
  const [draft, setDraft] = useState('');
  const [invalid, setInvalid] = useState(false);
  const label = t(`adminSettings.files.${kind}.label`);

  function add() {
    const entry = draft.trim();
    if (!entry) return;
    if (!PATTERNS[kind].test(entry)) {
      setInvalid(true);
      return;
    }
    const normalised = normalise(kind, entry);
    if (!items.includes(normalised)) onChange([...items, normalised]);
    setDraft('');
    setInvalid(false);
  }

  return (
    <fieldset className="settings-list">
      <legend>{label}</legend>
      {items.length === 0 ? (
        <p className="muted">{t(`adminSettings.files.${kind}.none`)}</p>
      ) : (
        <ul className="chips" aria-label={label}>
          {items.map((item) => (
            <li key={item} className="chip settings-chip">
              <span>{kind === 'extensions' ? `.${item}` : item}</span>
              <button
                type="button"
                className="icon"
                aria-label={t('adminSettings.files.remove', { item })}
                onClick={() => onChange(items.filter((i) => i !== item))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="settings-add">
        <label>
          {t(`adminSettings.files.${kind}.add`)}
          <input
            value={draft}
            placeholder={t(`adminSettings.files.${kind}.placeholder`)}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? invalidId : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              setInvalid(false);
            }}
            onKeyDown={(e) => {
              // Enter adds to the list rather than saving the whole section.
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
          />
        </label>
        <button type="button" onClick={add}>
          {t('adminSettings.files.addButton')}
        </button>
      </div>
      {invalid && (
        <p id={invalidId} role="alert" className="error">
          {t(`adminSettings.files.${kind}.invalid`)}
        </p>
      )}
    </fieldset>
  );
}
