import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import {
  useConnectMessenger,
  useConnectWhatsApp,
  useCreateWebchat,
  type AdminChannelAccount,
  type EntryForm,
} from '../api/channel-accounts';
import { EntryFormFields } from './entry-form-fields';
import { ErrorText } from '../../../components/ui/error-text';
import { SecretInput } from './secret-input';

/** Meta's ids (phone number, WhatsApp Business Account, Page) are digits. */
const ID = /^\d{1,32}$/;

/** A form in a dialog that stays open, with the server's reason, when the server refuses it. */
function ConnectForm({
  title,
  submitLabel,
  onClose,
  submit,
  check,
  children,
}: {
  title: string;
  submitLabel: string;
  onClose: () => void;
  submit: () => Promise<void>;
  /** What is wrong before asking the server (an id with letters), or null. */
  check?: () => string | null;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const [wrong, setWrong] = useState<string | null>(null);
  const submission = useMutation({ mutationFn: submit });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const found = check?.() ?? null;
    setWrong(found);
    if (!found) submission.mutate();
  }

  return (
    <Dialog title={title} onClose={onClose} className="wide">
      <form className="dialog-body channels-form" onSubmit={onSubmit}>
        {children}
        <ErrorText error={wrong ? { message: wrong } : submission.error} detail />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={submission.isPending}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Connects a WhatsApp number with the values from Meta's app dashboard (SPEC §8). */
export function ConnectWhatsAppDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const connect = useConnectWhatsApp();
  const [v, setV] = useState({
    name: '',
    phoneNumberId: '',
    wabaId: '',
    displayPhoneNumber: '',
    accessToken: '',
    appSecret: '',
    verifyToken: '',
  });
  const set = (key: keyof typeof v) => (value: string) => setV((old) => ({ ...old, [key]: value }));
  const digits = (value: string) => value.replace(/[\s+-]/g, '');
  return (
    <ConnectForm
      title={t('adminChannels.connectWhatsApp')}
      submitLabel={t('adminChannels.connect')}
      onClose={onClose}
      check={() =>
        !ID.test(v.phoneNumberId.trim())
          ? t('adminChannels.digitsOnly', { field: t('adminChannels.phoneNumberId') })
          : !ID.test(v.wabaId.trim())
            ? t('adminChannels.digitsOnly', { field: t('adminChannels.wabaId') })
            : v.displayPhoneNumber.trim() && !/^\d{4,20}$/.test(digits(v.displayPhoneNumber))
              ? t('adminChannels.digitsOnly', { field: t('adminChannels.phoneNumber') })
              : null
      }
      submit={async () => {
        const display = digits(v.displayPhoneNumber);
        await connect({
          name: v.name.trim(),
          phoneNumberId: v.phoneNumberId.trim(),
          wabaId: v.wabaId.trim(),
          ...(display ? { displayPhoneNumber: display } : {}),
          accessToken: v.accessToken,
          appSecret: v.appSecret,
          verifyToken: v.verifyToken,
        });
        onClose();
      }}
    >
      <p className="muted">{t('adminChannels.whatsAppHelp')}</p>
      <TextField label={t('adminChannels.name')} value={v.name} onChange={set('name')} maxLength={100} />
      <div className="channels-form-row">
        <TextField
          label={t('adminChannels.phoneNumberId')}
          value={v.phoneNumberId}
          onChange={set('phoneNumberId')}
          maxLength={32}
          numeric
        />
        <TextField
          label={t('adminChannels.wabaId')}
          value={v.wabaId}
          onChange={set('wabaId')}
          maxLength={32}
          numeric
        />
      </div>
      <TextField
        label={t('adminChannels.displayPhoneNumber')}
        value={v.displayPhoneNumber}
        onChange={set('displayPhoneNumber')}
        maxLength={24}
        optional
        placeholder="15550001234"
      />
      <SecretInput
        label={t('adminChannels.accessToken')}
        value={v.accessToken}
        onChange={set('accessToken')}
        maxLength={2000}
      />
      <div className="channels-form-row">
        <SecretInput
          label={t('adminChannels.appSecret')}
          value={v.appSecret}
          onChange={set('appSecret')}
          maxLength={200}
        />
        <SecretInput
          label={t('adminChannels.verifyToken')}
          value={v.verifyToken}
          onChange={set('verifyToken')}
          maxLength={200}
        />
      </div>
    </ConnectForm>
  );
}

/** Connects a Facebook Page (Messenger) with the values from Meta's app dashboard (SPEC §8). */
export function ConnectMessengerDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const connect = useConnectMessenger();
  const [v, setV] = useState({ name: '', pageId: '', pageAccessToken: '', appSecret: '', verifyToken: '' });
  const set = (key: keyof typeof v) => (value: string) => setV((old) => ({ ...old, [key]: value }));
  return (
    <ConnectForm
      title={t('adminChannels.connectMessenger')}
      submitLabel={t('adminChannels.connect')}
      onClose={onClose}
      check={() =>
        ID.test(v.pageId.trim()) ? null : t('adminChannels.digitsOnly', { field: t('adminChannels.pageId') })
      }
      submit={async () => {
        await connect({ ...v, name: v.name.trim(), pageId: v.pageId.trim() });
        onClose();
      }}
    >
      <p className="muted">{t('adminChannels.messengerHelp')}</p>
      <div className="channels-form-row">
        <TextField
          label={t('adminChannels.pageName')}
          value={v.name}
          onChange={set('name')}
          maxLength={100}
        />
        <TextField
          label={t('adminChannels.pageId')}
          value={v.pageId}
          onChange={set('pageId')}
          maxLength={32}
          numeric
        />
      </div>
      <SecretInput
        label={t('adminChannels.pageAccessToken')}
        value={v.pageAccessToken}
        onChange={set('pageAccessToken')}
        maxLength={2000}
      />
      <div className="channels-form-row">
        <SecretInput
          label={t('adminChannels.appSecret')}
          value={v.appSecret}
          onChange={set('appSecret')}
          maxLength={200}
        />
        <SecretInput
          label={t('adminChannels.verifyToken')}
          value={v.verifyToken}
          onChange={set('verifyToken')}
          maxLength={200}
        />
      </div>
    </ConnectForm>
  );
}

/** Adds a web chat widget; the new account's tag is shown in the list at once. */
export function AddWebchatDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (account: AdminChannelAccount) => void;
}) {
  const { t } = useTranslation();
  const create = useCreateWebchat();
  const [name, setName] = useState('');
  const [greeting, setGreeting] = useState('');
  const [entryForm, setEntryForm] = useState<EntryForm>({ name: true, email: false, question: true });
  return (
    <ConnectForm
      title={t('adminChannels.addWebchat')}
      submitLabel={t('adminChannels.create')}
      onClose={onClose}
      submit={async () => {
        // Sent as typed: the server trims it and says when nothing is left.
        const created = await create({
          name,
          ...(greeting.trim() ? { greeting: greeting.trim() } : {}),
          entryForm,
        });
        onCreated(created);
      }}
    >
      <p className="muted">{t('adminChannels.webchatHelp')}</p>
      <TextField label={t('adminChannels.name')} value={name} onChange={setName} maxLength={100} />
      <label>
        {t('adminChannels.greeting')}
        <textarea value={greeting} onChange={(e) => setGreeting(e.target.value)} maxLength={500} rows={2} />
      </label>
      <EntryFormFields value={entryForm} onChange={setEntryForm} />
    </ConnectForm>
  );
}

export function TextField({
  label,
  value,
  onChange,
  maxLength,
  numeric = false,
  optional = false,
  placeholder,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  maxLength: number;
  numeric?: boolean;
  optional?: boolean;
  placeholder?: string;
}) {
  return (
    <label>
      {label}
      <input
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required={!optional}
        maxLength={maxLength}
        inputMode={numeric ? 'numeric' : undefined}
        placeholder={placeholder}
        spellCheck={false}
      />
    </label>
  );
}
