import { useTranslation } from 'react-i18next';

/**
 * A credential's field: typed as a password (never shown on screen), not filled by the browser's password manager.
 * When editing, empty means "keep the current one".
 */
export function SecretInput({
  label,
  value,
  onChange,
  keep = false,
  maxLength,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  keep?: boolean;
  maxLength: number;
}) {
  const { t } = useTranslation();
  return (
    <label>
      {label}
      <input
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required={!keep}
        maxLength={maxLength}
        placeholder={keep ? t('adminChannels.keepCurrent') : undefined}
      />
    </label>
  );
}
