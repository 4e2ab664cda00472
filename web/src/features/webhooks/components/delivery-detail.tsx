import { useMutation } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { useDelivery, useRedeliver } from '../api/webhooks';
import { DeliveryStatusText, lastAnswer } from './delivery-log';
import { useDateTime, useEventLabel } from './event-label';

/**
 * One delivery: what was sent (the payload, as text: it holds customers' words and must never run as markup),
 * every attempt and its answer, and Redeliver.
 */
export function DeliveryDetail({
  endpointId,
  deliveryId,
  onClose,
  onRedelivered,
}: {
  endpointId: string;
  deliveryId: string;
  onClose: () => void;
  onRedelivered: (deliveryId: string) => void;
}) {
  const { t } = useTranslation();
  const eventLabel = useEventLabel();
  const dateTime = useDateTime();
  const delivery = useDelivery(endpointId, deliveryId);
  const redeliver = useRedeliver();
  const redelivery = useMutation({
    mutationFn: () => redeliver(endpointId, deliveryId),
    onSuccess: (next) => {
      if (next.id !== deliveryId) onRedelivered(next.id);
    },
  });
  const pendingId = useId();
  const d = delivery.data;

  const title = d ? t('webhooks.deliveryTitle', { event: eventLabel(d.eventType) }) : t('webhooks.delivery');
  return (
    <aside className="detail-panel delivery-detail" aria-label={title}>
      <header className="detail-head">
        <h2>{title}</h2>
        <button type="button" className="icon" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <ErrorText error={delivery.error} />
      {d && (
        <>
          <dl className="facts">
            <dt>{t('webhooks.statusColumn')}</dt>
            <dd>
              <DeliveryStatusText status={d.status} />
            </dd>
            <dt>{t('webhooks.eventType')}</dt>
            <dd>
              <code>{d.eventType}</code>
            </dd>
            <dt>{t('webhooks.eventId')}</dt>
            <dd>
              <code>{d.eventId}</code>
            </dd>
            <dt>{t('webhooks.created')}</dt>
            <dd>{dateTime(d.createdAt)}</dd>
            <dt>{t('webhooks.attempts')}</dt>
            <dd>{d.attempts}</dd>
            <dt>{t('webhooks.lastAnswer')}</dt>
            <dd>{lastAnswer(d)}</dd>
            {d.lastError && d.lastError !== lastAnswer(d) && (
              <>
                <dt>{t('webhooks.error')}</dt>
                <dd className="answer">{d.lastError}</dd>
              </>
            )}
            <dt>{t('webhooks.nextAttempt')}</dt>
            <dd>{d.nextAttemptAt ? dateTime(d.nextAttemptAt) : '—'}</dd>
            <dt>{t('webhooks.deliveredAt')}</dt>
            <dd>{d.deliveredAt ? dateTime(d.deliveredAt) : '—'}</dd>
          </dl>
          <div className="dialog-actions start">
            {/* The server refuses while attempts are still due: one delivery is never sent twice at once. */}
            <button
              type="button"
              disabled={redelivery.isPending || d.status === 'pending'}
              aria-describedby={d.status === 'pending' ? pendingId : undefined}
              onClick={() => redelivery.mutate()}
            >
              {t('webhooks.redeliver')}
            </button>
            <span role="status" className="muted">
              {redelivery.isSuccess ? t('webhooks.redelivered') : ''}
            </span>
          </div>
          {d.status === 'pending' && (
            <p id={pendingId} className="muted">
              {t('webhooks.redeliverPending')}
            </p>
          )}
          <ErrorText error={redelivery.error} />
          <h3>{t('webhooks.payload')}</h3>
          <pre className="payload" tabIndex={0} aria-label={t('webhooks.payload')} data-testid="payload">
            {JSON.stringify(d.payload, null, 2)}
          </pre>
          <h3>{t('webhooks.attemptLog')}</h3>
          {d.attemptLog.length === 0 ? (
            <p className="muted">{t('webhooks.noAttempts')}</p>
          ) : (
            <table className="data-table attempts" aria-label={t('webhooks.attemptLog')}>
              <thead>
                <tr>
                  <th scope="col">{t('webhooks.time')}</th>
                  <th scope="col">{t('webhooks.answer')}</th>
                  <th scope="col">{t('webhooks.duration')}</th>
                </tr>
              </thead>
              <tbody>
                {d.attemptLog.map((a, i) => (
                  <tr key={`${a.at}-${i}`}>
                    <td>{dateTime(a.at)}</td>
                    <td className="answer">
                      {a.error ?? (a.statusCode !== null ? `HTTP ${a.statusCode}` : '—')}
                    </td>
                    <td className="number">{t('webhooks.ms', { ms: a.durationMs })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </aside>
  );
}
