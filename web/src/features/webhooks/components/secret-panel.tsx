import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A signing secret just made (a new endpoint, or a rotation), shown this once: the server keeps no way to show it
 * again, so the page says so and offers it read-only, selected and ready to copy.
 */
export function SecretPanel({
  url,
  secret,
  rotated,
  onDone,
}: {
  url: string;
  secret: string;
  rotated: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const headingId = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [secret]);

  async function copy() {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin, a denied permission): the text stays selected for Ctrl+C.
      setCopied(false);
    }
  }

  return (
    <section className="secret-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t(rotated ? 'webhooks.secretRotatedTitle' : 'webhooks.secretTitle', { url })}</h2>
      <p>
        <strong>{t('webhooks.secretOnce')}</strong> {t('webhooks.secretUse')}
      </p>
      <div className="secret-field">
        <label>
          {t('webhooks.secret')}
          <input
            ref={field}
            readOnly
            value={secret}
            spellCheck={false}
            autoComplete="off"
            onFocus={(e) => e.target.select()}
          />
        </label>
        <button type="button" onClick={() => void copy()}>
          {t('webhooks.copy')}
        </button>
        <span role="status" className="muted">
          {copied ? t('webhooks.copied') : ''}
        </span>
      </div>
      <div className="dialog-actions start">
        <button type="button" className="primary" onClick={onDone}>
          {t('webhooks.secretDone')}
        </button>
      </div>
    </section>
  );
}
