import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './dialog';
import { ErrorText } from './error-text';

/**
 * A question with Cancel and a confirming button that runs `action`; while it runs the button is disabled, and its
 * failure is shown in the dialog, which stays open. `disabled` holds the button back for reasons the caller knows.
 */
export function ConfirmDialog({
  title,
  confirmLabel,
  danger = false,
  disabled = false,
  action,
  onClose,
  children,
}: {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  disabled?: boolean;
  action: () => Promise<void>;
  onClose: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Dialog title={title} onClose={onClose}>
      <div className="dialog-body">
        {children}
        <ErrorText error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className={danger ? 'primary danger' : 'primary'}
            disabled={busy || disabled}
            onClick={() => void confirm()}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
