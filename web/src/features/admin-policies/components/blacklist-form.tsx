import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { identityKinds, useAddEntry, type BlacklistEntry, type IdentityKind } from '../api/blacklist';

/**
 * Adds a raw identity (a phone number, a wa_id, an e-mail, …) with an optional reason. The server normalises the
 * value and refuses what is not usable; its reason is shown here and nothing is stored.
 */
export function BlacklistForm({
  onAdded,
  onCancel,
}: {
  onAdded: (entry: BlacklistEntry) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const add = useAddEntry();
  const [kind, setKind] = useState<IdentityKind>('phone');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const adding = useMutation({ mutationFn: add, onSuccess: (entry) => onAdded(entry) });

  function submit(e: FormEvent) {
    e.preventDefault();
    adding.mutate({ identityKind: kind, identityValue: value, reason: reason.trim() || null });
  }

  const duplicate = (adding.error as { code?: string } | null)?.code === 'already_exists';
  return (
    <form className="policies-form" onSubmit={submit}>
      <div className="policies-form-row">
        <label>
          {t('adminPolicies.blacklist.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as IdentityKind)}>
            {identityKinds.map((k) => (
              <option key={k} value={k}>
                {t(`adminPolicies.blacklist.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="policies-grow">
          {t('adminPolicies.blacklist.value')}
          <input
            value={value}
            onChange={(e) => setValue(e.target.value)}
            required
            maxLength={320}
            spellCheck={false}
            placeholder={t(`adminPolicies.blacklist.placeholder.${kind}`)}
          />
        </label>
      </div>
      <p className="muted policies-hint">{t(`adminPolicies.blacklist.hint.${kind}`)}</p>
      <label>
        {t('adminPolicies.blacklist.reason')}
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} />
      </label>
      {duplicate ? (
        <p role="alert" className="error">
          {t('adminPolicies.blacklist.duplicate')}
        </p>
      ) : (
        <ErrorText error={adding.error} detail />
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" disabled={adding.isPending}>
          {t('adminPolicies.blacklist.addSubmit')}
        </button>
      </div>
    </form>
  );
}
