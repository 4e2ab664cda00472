import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { navigate, useLocation } from '../../../lib/router';
import {
  useCreateEndpoint,
  useSendTest,
  useUpdateEndpoint,
  useWebhookEndpoints,
  type WebhookEndpoint,
} from '../api/webhooks';
import { DeliveryDetail } from './delivery-detail';
import { DeliveryLog } from './delivery-log';
import { DeleteEndpointDialog, EditEndpointDialog, RotateSecretDialog } from './endpoint-dialogs';
import { EndpointForm } from './endpoint-form';
import { useEventLabel } from './event-label';
import { SecretPanel } from './secret-panel';
import { PageHead } from '../../../components/ui/page-head';

/** A secret to show once: whose, and whether it replaced one. */
interface ShownSecret {
  url: string;
  secret: string;
  rotated: boolean;
}

type Confirm = { kind: 'edit' | 'rotate' | 'delete'; endpoint: WebhookEndpoint };

function pageUrl(endpointId?: string, deliveryId?: string): string {
  const params = new URLSearchParams();
  if (endpointId) params.set('id', endpointId);
  if (deliveryId) params.set('delivery', deliveryId);
  const query = params.toString();
  return query ? `/admin/webhooks?${query}` : '/admin/webhooks';
}

/**
 * Outbound webhooks (administrators): the endpoints the tenant's events are posted to, their signing secrets,
 * and for the selected endpoint its delivery log with each delivery's payload and attempts.
 */
export function WebhooksPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const selectedId = params.get('id');
  const deliveryId = params.get('delivery');
  const endpoints = useWebhookEndpoints();
  const create = useCreateEndpoint();
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<ShownSecret | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const selected = endpoints.data?.find((e) => e.id === selectedId);

  return (
    <div className="page">
      <main className="page-main">
        <PageHead
          title={t('webhooks.title')}
          action={
            !adding && (
              <button type="button" className="primary" onClick={() => setAdding(true)}>
                {t('webhooks.add')}
              </button>
            )
          }
          intro={t('webhooks.intro')}
        />
        {secret && (
          <SecretPanel
            url={secret.url}
            secret={secret.secret}
            rotated={secret.rotated}
            onDone={() => setSecret(null)}
          />
        )}
        {adding && (
          <section className="webhook-add" aria-label={t('webhooks.addTitle')}>
            <h2>{t('webhooks.addTitle')}</h2>
            <EndpointForm
              submitLabel={t('webhooks.addSubmit')}
              onCancel={() => setAdding(false)}
              onSubmit={async (input) => {
                const { secret: created, ...endpoint } = await create(input);
                setAdding(false);
                setSecret({ url: endpoint.url, secret: created, rotated: false });
                navigate(pageUrl(endpoint.id));
              }}
            />
          </section>
        )}
        <ErrorText error={endpoints.error} />
        {endpoints.data && endpoints.data.length === 0 && !adding && (
          <p className="muted">{t('webhooks.none')}</p>
        )}
        <ul className="webhook-list" aria-label={t('webhooks.endpoints')}>
          {endpoints.data?.map((endpoint) => (
            <EndpointItem
              key={endpoint.id}
              endpoint={endpoint}
              selected={endpoint.id === selectedId}
              onSelect={() => navigate(pageUrl(endpoint.id))}
              onAction={(kind) => setConfirm({ kind, endpoint })}
            />
          ))}
        </ul>
        {selected && (
          <DeliveryLog
            key={selected.id}
            endpoint={selected}
            selected={deliveryId}
            onOpen={(id) => navigate(pageUrl(selected.id, id))}
          />
        )}
      </main>
      {selected && deliveryId && (
        <DeliveryDetail
          key={deliveryId}
          endpointId={selected.id}
          deliveryId={deliveryId}
          onClose={() => navigate(pageUrl(selected.id))}
          onRedelivered={(id) => navigate(pageUrl(selected.id, id), { replace: true })}
        />
      )}
      {confirm?.kind === 'edit' && (
        <EditEndpointDialog endpoint={confirm.endpoint} onClose={() => setConfirm(null)} />
      )}
      {confirm?.kind === 'rotate' && (
        <RotateSecretDialog
          endpoint={confirm.endpoint}
          onClose={() => setConfirm(null)}
          onRotated={(rotated) => {
            setConfirm(null);
            setSecret({ url: confirm.endpoint.url, secret: rotated, rotated: true });
          }}
        />
      )}
      {confirm?.kind === 'delete' && (
        <DeleteEndpointDialog
          endpoint={confirm.endpoint}
          onClose={() => setConfirm(null)}
          onDeleted={() => {
            setConfirm(null);
            if (confirm.endpoint.id === selectedId) navigate(pageUrl());
          }}
        />
      )}
    </div>
  );
}

/** One endpoint: where, what for, which events, on or off, and what can be done with it. */
function EndpointItem({
  endpoint,
  selected,
  onSelect,
  onAction,
}: {
  endpoint: WebhookEndpoint;
  selected: boolean;
  onSelect: () => void;
  onAction: (kind: Confirm['kind']) => void;
}) {
  const { t } = useTranslation();
  const eventLabel = useEventLabel();
  const update = useUpdateEndpoint();
  const sendTest = useSendTest();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [tested, setTested] = useState(false);
  // The switch moves when clicked, not when the server has answered; it moves back if the change is refused.
  const [switching, setSwitching] = useState<boolean | null>(null);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="webhook" aria-current={selected ? 'true' : undefined} data-testid="webhook-endpoint">
      <div className="webhook-head">
        <button type="button" className="link webhook-url" onClick={onSelect}>
          {endpoint.url}
        </button>
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={switching ?? endpoint.enabled}
            disabled={busy}
            onChange={(e) => {
              const enabled = e.target.checked;
              setSwitching(enabled);
              void run(() => update(endpoint.id, { enabled })).then(() => setSwitching(null));
            }}
          />
          {t('webhooks.enabled')}
        </label>
      </div>
      {endpoint.description && <p className="webhook-description">{endpoint.description}</p>}
      <ul className="chips" aria-label={t('webhooks.events')}>
        {endpoint.events.map((event) => (
          <li key={event} className="chip" title={event}>
            {eventLabel(event)}
          </li>
        ))}
      </ul>
      <div className="webhook-actions">
        <button type="button" onClick={onSelect}>
          {t('webhooks.log')}
        </button>
        <button type="button" onClick={() => onAction('edit')}>
          {t('webhooks.edit')}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              setTested(false);
              await sendTest(endpoint.id);
              setTested(true);
              onSelect();
            })
          }
        >
          {t('webhooks.sendTest')}
        </button>
        <button type="button" onClick={() => onAction('rotate')}>
          {t('webhooks.rotate')}
        </button>
        <button type="button" className="danger" onClick={() => onAction('delete')}>
          {t('webhooks.delete')}
        </button>
        <span role="status" className="muted">
          {tested ? t('webhooks.testQueued') : ''}
        </span>
      </div>
      <ErrorText error={error} />
    </li>
  );
}

/** /webhooks for someone who is not an administrator: said plainly, nothing is fetched. */
