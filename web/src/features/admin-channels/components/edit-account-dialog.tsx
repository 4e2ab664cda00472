import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import {
  useUpdateChannelAccount,
  type AccountPatch,
  type AdminChannelAccount,
  type EntryForm,
} from '../api/channel-accounts';
import { TextField } from './connect-dialogs';
import { EntryFormFields } from './entry-form-fields';
import { ErrorText } from '../../../components/ui/error-text';
import { SecretInput } from './secret-input';

/** The credentials each channel holds, in the order the form asks for them. */
const CREDENTIALS = {
  whatsapp: ['accessToken', 'appSecret', 'verifyToken'],
  messenger: ['pageAccessToken', 'appSecret', 'verifyToken'],
  webchat: [],
} as const;
type Credential = 'accessToken' | 'pageAccessToken' | 'appSecret' | 'verifyToken';

/**
 * Renames an account, switches it on or off, replaces credentials (an empty field keeps the current one) or, for a
 * web chat, changes its greeting and entry form. Only what changed is sent.
 */
export function EditAccountDialog({
  account,
  onClose,
}: {
  account: AdminChannelAccount;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const update = useUpdateChannelAccount();
  const [name, setName] = useState(account.name);
  const [enabled, setEnabled] = useState(account.enabled);
  const [secrets, setSecrets] = useState<Partial<Record<Credential, string>>>({});
  const [greeting, setGreeting] = useState(account.widget?.greeting ?? '');
  const [entryForm, setEntryForm] = useState<EntryForm | undefined>(account.widget?.entryForm);
  const saving = useMutation({
    mutationFn: (patch: AccountPatch) => update(account.id, patch),
    onSuccess: () => onClose(),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const patch: AccountPatch = {};
    if (name.trim() !== account.name) patch.name = name.trim();
    if (enabled !== account.enabled) patch.enabled = enabled;
    for (const key of CREDENTIALS[account.channel]) if (secrets[key]) patch[key] = secrets[key];
    if (account.widget) {
      const wanted = greeting.trim() || null;
      if (wanted !== account.widget.greeting) patch.greeting = wanted;
      if (entryForm && JSON.stringify(entryForm) !== JSON.stringify(account.widget.entryForm))
        patch.entryForm = entryForm;
    }
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    saving.mutate(patch);
  }

  return (
    <Dialog title={t('adminChannels.editTitle', { name: account.name })} onClose={onClose} className="wide">
      <form className="dialog-body channels-form" onSubmit={submit}>
        <TextField label={t('adminChannels.name')} value={name} onChange={setName} maxLength={100} />
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          {t('adminChannels.enabled')}
        </label>
        {!enabled && account.enabled && <p className="muted">{t('adminChannels.disableExplain')}</p>}
        {account.channel !== 'webchat' && (
          <fieldset className="channels-credentials">
            <legend>{t('adminChannels.replaceCredentials')}</legend>
            <p className="muted">{t('adminChannels.replaceHelp')}</p>
            {CREDENTIALS[account.channel].map((key) => (
              <SecretInput
                key={key}
                label={t(`adminChannels.${key}`)}
                value={secrets[key] ?? ''}
                onChange={(value) => setSecrets((old) => ({ ...old, [key]: value }))}
                keep
                maxLength={key.endsWith('ccessToken') ? 2000 : 200}
              />
            ))}
          </fieldset>
        )}
        {account.widget && entryForm && (
          <>
            <label>
              {t('adminChannels.greeting')}
              <textarea
                value={greeting}
                onChange={(e) => setGreeting(e.target.value)}
                maxLength={500}
                rows={2}
              />
            </label>
            <EntryFormFields value={entryForm} onChange={setEntryForm} />
          </>
        )}
        <ErrorText error={saving.error} detail />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={saving.isPending}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
