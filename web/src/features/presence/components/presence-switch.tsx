import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { useOperators, useSetPresence } from '../api/presence';

/** The operator's own presence, with a reason for away, and the RONA banner. */
export function PresenceSwitch({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const operators = useOperators();
  const setPresence = useSetPresence(userId);
  const [error, setError] = useState<unknown>(null);
  const [askReason, setAskReason] = useState(false);
  const [reason, setReason] = useState('');
  const own = operators.data?.find((o) => o.id === userId);
  const current = own?.presence ?? 'offline';

  async function choose(status: 'available' | 'away' | 'offline', awayReason?: string) {
    try {
      setError(null);
      await setPresence(status, awayReason);
      setAskReason(false);
    } catch (e) {
      setError(e);
    }
  }
  function submitAway(event: FormEvent) {
    event.preventDefault();
    void choose('away', reason.trim() || undefined);
  }

  return (
    <>
      <div className="presence-switch" role="group" aria-label={t('presence.label')}>
        {(['available', 'away', 'offline'] as const).map((status) => (
          <button
            key={status}
            type="button"
            aria-pressed={current === status}
            onClick={() => (status === 'away' ? setAskReason(true) : void choose(status))}
          >
            <span className={`dot ${status}`} aria-hidden="true" /> {t(`presence.${status}`)}
          </button>
        ))}
        {current === 'away' && own?.awayReason && <span className="muted">({own.awayReason})</span>}
        {askReason && (
          <form className="away-form" onSubmit={submitAway}>
            <label>
              {t('presence.awayReason')}
              <input value={reason} onChange={(e) => setReason(e.target.value)} autoFocus maxLength={100} />
            </label>
            <button type="submit">{t('presence.setAway')}</button>
            <button type="button" onClick={() => setAskReason(false)}>
              {t('common.cancel')}
            </button>
          </form>
        )}
        <ErrorText error={error} />
      </div>
      {current === 'rona' && (
        <div className="rona-banner" role="alert">
          {t('presence.ronaBanner')}
          <button type="button" onClick={() => void choose('available')}>
            {t('presence.setAvailable')}
          </button>
        </div>
      )}
    </>
  );
}
