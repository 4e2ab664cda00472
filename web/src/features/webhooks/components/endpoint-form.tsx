import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { webhookEvents, type EndpointInput, type WebhookEndpoint } from '../api/webhooks';
import { useEventLabel } from './event-label';

/**
 * An endpoint's URL, description, events and switch: empty to add one, filled to edit it. The server checks the
 * URL (scheme, address); what it refuses is shown here with its reason.
 */
export function EndpointForm({
  endpoint,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  endpoint?: WebhookEndpoint;
  submitLabel: string;
  onSubmit: (input: EndpointInput) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const eventLabel = useEventLabel();
  const noEventsId = useId();
  const [url, setUrl] = useState(endpoint?.url ?? '');
  const [description, setDescription] = useState(endpoint?.description ?? '');
  const [events, setEvents] = useState<string[]>(endpoint?.events ?? []);
  const [enabled, setEnabled] = useState(endpoint?.enabled ?? true);
  const [noEvents, setNoEvents] = useState(false);
  const submission = useMutation({ mutationFn: onSubmit });

  function toggle(event: string, on: boolean) {
    setNoEvents(false);
    // Kept in the list's order; events this page does not know (a newer server) are kept as they were.
    const chosen = new Set(on ? [...events, event] : events.filter((e) => e !== event));
    const known: readonly string[] = webhookEvents;
    setEvents([...webhookEvents.filter((e) => chosen.has(e)), ...events.filter((e) => !known.includes(e))]);
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (events.length === 0) {
      setNoEvents(true);
      return;
    }
    submission.mutate({ url: url.trim(), description: description.trim() || null, events, enabled });
  }

  return (
    <form className="webhook-form" onSubmit={submit}>
      <label>
        {t('webhooks.url')}
        <input
          type="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          required
          maxLength={2048}
          placeholder="https://example.com/switchboard"
        />
      </label>
      <label>
        {t('webhooks.description')}
        <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={200} />
      </label>
      <fieldset aria-describedby={noEvents ? noEventsId : undefined}>
        <legend>{t('webhooks.events')}</legend>
        <div className="event-choices">
          {webhookEvents.map((event) => (
            <label key={event} className="event-choice">
              <input
                type="checkbox"
                checked={events.includes(event)}
                onChange={(e) => toggle(event, e.target.checked)}
              />
              <span>{eventLabel(event)}</span>
              <code className="muted">{event}</code>
            </label>
          ))}
        </div>
        {noEvents && (
          <p id={noEventsId} role="alert" className="error">
            {t('webhooks.pickEvents')}
          </p>
        )}
      </fieldset>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
        />
        {t('webhooks.enabled')}
      </label>
      <ErrorText error={submission.error} detail />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" disabled={submission.isPending}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
