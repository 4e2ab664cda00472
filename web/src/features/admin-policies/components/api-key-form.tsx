import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { apiKeyRoles, useCreateApiKey, type ApiKey, type ApiKeyRole } from '../api/api-keys';

/** A new key's name and role; the role is what the key may do, in every group. */
export function ApiKeyForm({
  onCreated,
  onCancel,
}: {
  onCreated: (created: ApiKey & { key: string }) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKeyRole>('operator');
  const creation = useMutation({ mutationFn: create, onSuccess: (created) => onCreated(created) });

  function submit(e: FormEvent) {
    e.preventDefault();
    // Sent as typed: the server trims it and says so when nothing is left.
    creation.mutate({ name, role });
  }

  return (
    <form className="policies-form" onSubmit={submit}>
      <label>
        {t('adminPolicies.apiKeys.name')}
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
          placeholder={t('adminPolicies.apiKeys.namePlaceholder')}
        />
      </label>
      <fieldset>
        <legend>{t('adminPolicies.apiKeys.role')}</legend>
        <div className="policies-roles">
          {apiKeyRoles.map((r) => (
            <label key={r} className="policies-role">
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
              <span>{t(`adminPolicies.apiKeys.roles.${r}`)}</span>
              <span className="muted">{t(`adminPolicies.apiKeys.roleExplain.${r}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <ErrorText error={creation.error} detail />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" disabled={creation.isPending}>
          {t('adminPolicies.apiKeys.createSubmit')}
        </button>
      </div>
    </form>
  );
}
