import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import {
  useDeliveries,
  type DeliveryStatus,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../api/webhooks';
import { useDateTime, useEventLabel } from './event-label';

const statuses = ['pending', 'delivered', 'failed'] as const;

/** A delivery's status in colour and in words (the colour alone says nothing to some people). */
export function DeliveryStatusText({ status }: { status: DeliveryStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`delivery-status ${status}`}>
      {t(`webhooks.status.${status}`, { defaultValue: status })}
    </span>
  );
}

/** The receiver's last answer: its HTTP status, or why there was none (timeout, refused connection). */
export function lastAnswer(d: { lastStatusCode: number | null; lastError: string | null }): string {
  if (d.lastStatusCode !== null) return `HTTP ${d.lastStatusCode}`;
  return d.lastError ?? '—';
}

/** An endpoint's deliveries, newest first, filtered by status, one page after another. */
export function DeliveryLog({
  endpoint,
  selected,
  onOpen,
}: {
  endpoint: WebhookEndpoint;
  selected: string | null;
  onOpen: (deliveryId: string) => void;
}) {
  const { t } = useTranslation();
  const headingId = useId();
  const eventLabel = useEventLabel();
  const dateTime = useDateTime();
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const deliveries = useDeliveries(endpoint.id, status);
  const rows = deliveries.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section className="delivery-log" aria-labelledby={headingId}>
      <div className="list-head">
        <h2 id={headingId}>{t('webhooks.deliveriesTo', { url: endpoint.url })}</h2>
        <label className="inline-field">
          {t('webhooks.statusFilter')}
          <select value={status} onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')}>
            <option value="">{t('webhooks.allStatuses')}</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {t(`webhooks.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorText error={deliveries.error} />
      <table className="data-table" aria-label={t('webhooks.deliveries')}>
        <thead>
          <tr>
            <th scope="col">{t('webhooks.time')}</th>
            <th scope="col">{t('webhooks.eventType')}</th>
            <th scope="col">{t('webhooks.statusColumn')}</th>
            <th scope="col">{t('webhooks.attempts')}</th>
            <th scope="col">{t('webhooks.lastAnswer')}</th>
            <th scope="col">{t('webhooks.nextAttempt')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d: WebhookDelivery) => (
            <tr key={d.id} aria-selected={d.id === selected} data-testid="delivery-row">
              <td>
                <button
                  type="button"
                  className="link"
                  aria-label={t('webhooks.openDelivery', {
                    event: eventLabel(d.eventType),
                    time: dateTime(d.createdAt),
                  })}
                  onClick={() => onOpen(d.id)}
                >
                  {dateTime(d.createdAt)}
                </button>
              </td>
              <td>{eventLabel(d.eventType)}</td>
              <td>
                <DeliveryStatusText status={d.status} />
              </td>
              <td className="number">{d.attempts}</td>
              <td className="answer" title={d.lastError ?? undefined}>
                {lastAnswer(d)}
              </td>
              <td>{d.nextAttemptAt ? dateTime(d.nextAttemptAt) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {deliveries.data && rows.length === 0 && (
        <p className="muted">{t(status ? 'webhooks.noDeliveriesFiltered' : 'webhooks.noDeliveries')}</p>
      )}
      {deliveries.hasNextPage && (
        <button
          type="button"
          className="more"
          disabled={deliveries.isFetchingNextPage}
          onClick={() => void deliveries.fetchNextPage()}
        >
          {t('webhooks.loadMore')}
        </button>
      )}
    </section>
  );
}
