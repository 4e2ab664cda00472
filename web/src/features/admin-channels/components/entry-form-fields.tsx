import { useTranslation } from 'react-i18next';
import type { EntryForm } from '../api/channel-accounts';

/** Which fields the widget asks for before the chat starts. */
export function EntryFormFields({
  value,
  onChange,
}: {
  value: EntryForm;
  onChange: (value: EntryForm) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="channels-entry-form">
      <legend>{t('adminChannels.entryForm')}</legend>
      {(['name', 'email', 'question'] as const).map((field) => (
        <label key={field} className="switch">
          <input
            type="checkbox"
            checked={value[field]}
            onChange={(e) => onChange({ ...value, [field]: e.target.checked })}
          />
          {t(`adminChannels.ask.${field}`)}
        </label>
      ))}
    </fieldset>
  );
}
