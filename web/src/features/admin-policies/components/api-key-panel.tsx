import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A key just issued, shown this once: only its hash is stored, so the page says so and offers it read-only,
 * selected and ready to copy, with the header an integration sends it in. Styled as the webhooks' secret panel.
 */
export function ApiKeyPanel({ name, apiKey, onDone }: { name: string; apiKey: string; onDone: () => void }) {
  const { t } = useTranslation();
  const headingId = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [apiKey]);

  async function copy() {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(apiKey);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin, a denied permission): the text stays selected for Ctrl+C.
      setCopied(false);
    }
  }

  return (
    <section className="secret-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('adminPolicies.apiKeys.keyTitle', { name })}</h2>
      <p>
        <strong>{t('adminPolicies.apiKeys.keyOnce')}</strong> {t('adminPolicies.apiKeys.keyUse')}{' '}
        <code>Authorization: Bearer …</code>
      </p>
      <div className="secret-field">
        <label>
          {t('adminPolicies.apiKeys.key')}
          <input
            ref={field}
            readOnly
            value={apiKey}
            spellCheck={false}
            autoComplete="off"
            onFocus={(e) => e.target.select()}
          />
        </label>
        <button type="button" onClick={() => void copy()}>
          {t('adminPolicies.apiKeys.copy')}
        </button>
        <span role="status" className="muted">
          {copied ? t('adminPolicies.apiKeys.copied') : ''}
        </span>
      </div>
      <div className="dialog-actions start">
        <button type="button" className="primary" onClick={onDone}>
          {t('adminPolicies.apiKeys.keyDone')}
        </button>
      </div>
    </section>
  );
}
