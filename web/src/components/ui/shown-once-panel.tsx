import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A secret the server keeps no way to show again (a webhook's signing secret, an API key), shown this once: the
 * panel says so, and offers it read-only, selected and ready to copy, until the person says they have it.
 */
export function ShownOncePanel({
  title,
  warning,
  use,
  label,
  value,
  doneLabel,
  onDone,
}: {
  title: string;
  /** That it will not be shown again, in bold. */
  warning: string;
  /** What to do with it. */
  use: ReactNode;
  label: string;
  value: string;
  doneLabel: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const headingId = useId();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [value]);

  async function copy() {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin, a denied permission): the text stays selected for Ctrl+C.
      setCopied(false);
    }
  }

  return (
    <section className="secret-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <p>
        <strong>{warning}</strong> {use}
      </p>
      <div className="secret-field">
        <label>
          {label}
          <input
            ref={field}
            readOnly
            value={value}
            spellCheck={false}
            autoComplete="off"
            onFocus={(e) => e.target.select()}
          />
        </label>
        <button type="button" onClick={() => void copy()}>
          {t('common.copy')}
        </button>
        <span role="status" className="muted">
          {copied ? t('common.copied') : ''}
        </span>
      </div>
      <div className="dialog-actions start">
        <button type="button" className="primary" onClick={onDone}>
          {doneLabel}
        </button>
      </div>
    </section>
  );
}
