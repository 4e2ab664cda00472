import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { ApiError } from '../../../lib/api';
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../api/settings';
import { SettingsSection } from './settings-section';
import { useUpdateTenantSettings } from '../../../lib/tenant-queries';

/**
 * How long ended sessions are kept: forever, or a number of days after which they are deleted with their
 * messages and files. A period that deletes more than the saved one is confirmed first: it cannot be undone.
 */
export function RetentionSettings({ retentionDays }: { retentionDays: number | null }) {
  const { t } = useTranslation();
  const update = useUpdateTenantSettings();
  const explainId = useId();
  const [limited, setLimited] = useState(retentionDays !== null);
  const [days, setDays] = useState(retentionDays === null ? '' : String(retentionDays));
  const [confirming, setConfirming] = useState<number | null>(null);
  const answer = useRef<(saved: boolean) => void>(undefined);

  async function store(value: number | null) {
    const saved = await update({ retentionDays: value });
    setLimited(saved.retentionDays !== null);
    setDays(saved.retentionDays === null ? '' : String(saved.retentionDays));
  }

  async function save(): Promise<boolean> {
    if (!limited) {
      await store(null);
      return true;
    }
    // Whatever was typed goes to the server, which says what is allowed; only a period it would accept and
    // that deletes more than today's is asked about first.
    if (days.trim() === '')
      throw new ApiError(400, 'validation_failed', t('adminSettings.retention.enterDays'));
    const value = Number(days);
    const acceptable = Number.isInteger(value) && value >= MIN_RETENTION_DAYS && value <= MAX_RETENTION_DAYS;
    if (acceptable && (retentionDays === null || value < retentionDays)) {
      return new Promise<boolean>((resolve) => {
        answer.current = resolve;
        setConfirming(value);
      });
    }
    await store(value);
    return true;
  }

  function close(saved: boolean) {
    answer.current?.(saved);
    answer.current = undefined;
    setConfirming(null);
  }

  return (
    <>
      <SettingsSection
        area="retention"
        title={t('adminSettings.retention.title')}
        saveLabel={t('adminSettings.retention.save')}
        onSave={save}
        description={
          <p id={explainId} className="muted settings-hint">
            {t('adminSettings.retention.explain')}
          </p>
        }
      >
        <fieldset className="settings-period" aria-describedby={explainId}>
          <legend className="sr-only">{t('adminSettings.retention.title')}</legend>
          <label className="settings-choice">
            <input type="radio" name="retention" checked={!limited} onChange={() => setLimited(false)} />
            {t('adminSettings.retention.forever')}
          </label>
          <div className="settings-choice">
            <label>
              <input type="radio" name="retention" checked={limited} onChange={() => setLimited(true)} />
              {t('adminSettings.retention.deleteAfter')}
            </label>
            <input
              className="settings-days"
              type="number"
              inputMode="numeric"
              value={days}
              onChange={(e) => {
                setDays(e.target.value);
                setLimited(true);
              }}
              aria-label={t('adminSettings.retention.days')}
            />
            <span>{t('adminSettings.retention.daysUnit')}</span>
          </div>
        </fieldset>
      </SettingsSection>
      {confirming !== null && (
        <ConfirmDialog
          title={t('adminSettings.retention.confirmTitle')}
          confirmLabel={t('adminSettings.retention.confirm')}
          danger
          action={async () => {
            await store(confirming);
            close(true);
          }}
          onClose={() => close(false)}
        >
          <p>{t('adminSettings.retention.confirmText', { count: confirming })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
