import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Group, GroupInput, RoutingMode } from '../api/groups';
import { ErrorText } from '../../../components/ui/error-text';

const routingModes: RoutingMode[] = ['utilisation', 'whole_group'];

/**
 * A group's name, routing mode, offer timeout, sticky routing and offline message: empty to add one, filled to
 * edit it. Ranges are the server's to check (the form does not stop a value), so its refusal is what is shown.
 */
export function GroupForm({
  group,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  group?: Group;
  submitLabel: string;
  onSubmit: (input: GroupInput) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const ids = { timeout: useId(), sticky: useId(), offline: useId() };
  const [name, setName] = useState(group?.name ?? '');
  const [routingMode, setRoutingMode] = useState<RoutingMode>(group?.routingMode ?? 'utilisation');
  const [timeout, setTimeoutText] = useState(String(group?.offerTimeoutSeconds ?? 30));
  const [sticky, setSticky] = useState(group?.sticky ?? false);
  const [offlineMessage, setOfflineMessage] = useState(group?.offlineMessage ?? '');
  const submission = useMutation({ mutationFn: onSubmit });

  function submit(e: FormEvent) {
    e.preventDefault();
    submission.mutate({
      name: name.trim(),
      routingMode,
      offerTimeoutSeconds: Number(timeout),
      sticky,
      offlineMessage: offlineMessage.trim() || null,
    });
  }

  return (
    <form className="routing-form" onSubmit={submit} noValidate>
      <label>
        {t('adminRouting.groups.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      </label>
      <fieldset>
        <legend>{t('adminRouting.groups.routingMode')}</legend>
        {routingModes.map((mode) => (
          <label key={mode} className="routing-choice">
            <input
              type="radio"
              name="routingMode"
              value={mode}
              checked={routingMode === mode}
              onChange={() => setRoutingMode(mode)}
            />
            <span>
              <strong>{t(`adminRouting.groups.mode.${mode}`)}</strong>
              <span className="muted routing-explain">{t(`adminRouting.groups.modeHelp.${mode}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <label>
        {t('adminRouting.groups.offerTimeout')}
        <input
          type="number"
          inputMode="numeric"
          value={timeout}
          onChange={(e) => setTimeoutText(e.target.value)}
          aria-describedby={ids.timeout}
          className="routing-number"
        />
        <span id={ids.timeout} className="muted routing-explain">
          {t('adminRouting.groups.offerTimeoutHelp')}
        </span>
      </label>
      <label className="routing-choice">
        <input
          type="checkbox"
          checked={sticky}
          onChange={(e) => setSticky(e.target.checked)}
          aria-describedby={ids.sticky}
        />
        <span>
          {t('adminRouting.groups.sticky')}
          <span id={ids.sticky} className="muted routing-explain">
            {t('adminRouting.groups.stickyHelp')}
          </span>
        </span>
      </label>
      <label>
        {t('adminRouting.groups.offlineMessage')}
        <textarea
          rows={3}
          value={offlineMessage}
          onChange={(e) => setOfflineMessage(e.target.value)}
          maxLength={1000}
          aria-describedby={ids.offline}
        />
        <span id={ids.offline} className="muted routing-explain">
          {t('adminRouting.groups.offlineMessageHelp')}
        </span>
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
