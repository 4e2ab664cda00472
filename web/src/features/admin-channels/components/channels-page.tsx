import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChannelIcon } from '../../../components/ui/channel-icon';
import { ErrorText } from '../../../components/ui/error-text';
import { navigate, useLocation } from '../../../lib/router';
import { useAdminChannelAccounts, type AdminChannelAccount, type Channel } from '../api/channel-accounts';
import { AddWebchatDialog, ConnectMessengerDialog, ConnectWhatsAppDialog } from './connect-dialogs';
import { EditAccountDialog } from './edit-account-dialog';
import { TemplatesPanel } from './templates-panel';
import { PageHead } from '../../../components/ui/page-head';

const CHANNELS: Channel[] = ['whatsapp', 'messenger', 'webchat'];
type Opened = { kind: 'whatsapp' | 'messenger' | 'webchat' } | { kind: 'edit'; account: AdminChannelAccount };

const pageUrl = (templatesOf?: string) =>
  templatesOf ? `/admin/channels?templates=${encodeURIComponent(templatesOf)}` : '/admin/channels';

/**
 * Channels (administrators): the tenant's WhatsApp numbers, Facebook Pages and web chats, grouped by channel, with
 * what connecting them needs — Meta's callback URL for the app dashboard, the widget's tag for a website — and the
 * forms to connect, add and change them. A WhatsApp number's templates open beside the list.
 */
export function ChannelsPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const templatesOf = new URLSearchParams(search).get('templates');
  const accounts = useAdminChannelAccounts();
  const [opened, setOpened] = useState<Opened | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const templatesAccount = accounts.data?.find((a) => a.id === templatesOf && a.channel === 'whatsapp');

  return (
    <div className="page">
      <main className="page-main">
        <PageHead
          title={t('adminChannels.title')}
          action={
            <div className="channels-add">
              <button type="button" className="primary" onClick={() => setOpened({ kind: 'whatsapp' })}>
                {t('adminChannels.connectWhatsApp')}
              </button>
              <button type="button" className="primary" onClick={() => setOpened({ kind: 'messenger' })}>
                {t('adminChannels.connectMessenger')}
              </button>
              <button type="button" className="primary" onClick={() => setOpened({ kind: 'webchat' })}>
                {t('adminChannels.addWebchat')}
              </button>
            </div>
          }
          intro={t('adminChannels.intro')}
        />
        <ErrorText error={accounts.error} />
        {accounts.data &&
          CHANNELS.map((channel) => (
            <ChannelGroup
              key={channel}
              channel={channel}
              accounts={accounts.data.filter((a) => a.channel === channel)}
              created={created}
              templatesOf={templatesOf}
              onEdit={(account) => setOpened({ kind: 'edit', account })}
              onTemplates={(account) => navigate(pageUrl(account.id))}
            />
          ))}
      </main>
      {templatesAccount && (
        <TemplatesPanel
          key={templatesAccount.id}
          account={templatesAccount}
          onClose={() => navigate(pageUrl())}
        />
      )}
      {opened?.kind === 'whatsapp' && <ConnectWhatsAppDialog onClose={() => setOpened(null)} />}
      {opened?.kind === 'messenger' && <ConnectMessengerDialog onClose={() => setOpened(null)} />}
      {opened?.kind === 'webchat' && (
        <AddWebchatDialog
          onClose={() => setOpened(null)}
          onCreated={(account) => {
            setOpened(null);
            setCreated(account.id);
          }}
        />
      )}
      {opened?.kind === 'edit' && (
        <EditAccountDialog account={opened.account} onClose={() => setOpened(null)} />
      )}
    </div>
  );
}

/** One channel's accounts; for WhatsApp and Messenger, first what Meta's app dashboard needs. */
function ChannelGroup({
  channel,
  accounts,
  created,
  templatesOf,
  onEdit,
  onTemplates,
}: {
  channel: Channel;
  accounts: AdminChannelAccount[];
  created: string | null;
  templatesOf: string | null;
  onEdit: (account: AdminChannelAccount) => void;
  onTemplates: (account: AdminChannelAccount) => void;
}) {
  const { t } = useTranslation();
  const headingId = useId();
  const webhookUrl = accounts.find((a) => a.webhookUrl)?.webhookUrl;
  return (
    <section className="channels-group" aria-labelledby={headingId}>
      <h2 id={headingId} className="channels-group-head">
        <ChannelIcon channel={channel} />
        {t(`adminChannels.group.${channel}`)}
      </h2>
      {webhookUrl && (
        <div className="channels-meta-setup">
          <CopyField label={t('adminChannels.callbackUrl')} value={webhookUrl} />
          <p className="muted">{t('adminChannels.verifyTokenHint')}</p>
        </div>
      )}
      {accounts.length === 0 ? (
        <p className="muted">{t(`adminChannels.none.${channel}`)}</p>
      ) : (
        <ul className="channels-list" aria-label={t(`adminChannels.group.${channel}`)}>
          {accounts.map((account) => (
            <AccountItem
              key={account.id}
              account={account}
              justCreated={account.id === created}
              current={account.id === templatesOf}
              onEdit={() => onEdit(account)}
              onTemplates={() => onTemplates(account)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

/** A number as people dial it: the digits Meta gives, with the plus. */
const dialled = (digits: string) => (/^\d+$/.test(digits) ? `+${digits}` : digits);

function AccountItem({
  account,
  justCreated,
  current,
  onEdit,
  onTemplates,
}: {
  account: AdminChannelAccount;
  justCreated: boolean;
  current: boolean;
  onEdit: () => void;
  onTemplates: () => void;
}) {
  const { t } = useTranslation();
  const isSet = (name: string) =>
    account.credentialsSet.includes(name) ? t('adminChannels.set') : t('adminChannels.notSet');
  return (
    <li
      className={`channels-account${account.enabled ? '' : ' disabled'}`}
      aria-current={current ? 'true' : undefined}
      data-testid="channel-account"
    >
      <div className="channels-account-head">
        <strong className="channels-account-name">{account.name}</strong>
        <span className={`chip channels-state ${account.enabled ? 'on' : 'off'}`}>
          {account.enabled ? t('adminChannels.enabled') : t('adminChannels.disabled')}
        </span>
        <div className="channels-account-actions">
          {account.channel === 'whatsapp' && (
            <button type="button" onClick={onTemplates}>
              {t('adminChannels.templates')}
            </button>
          )}
          <button
            type="button"
            onClick={onEdit}
            aria-label={t('adminChannels.editNamed', { name: account.name })}
          >
            {t('adminChannels.edit')}
          </button>
        </div>
      </div>
      <dl className="facts channels-facts">
        {account.channel === 'whatsapp' && (
          <>
            <dt>{t('adminChannels.phoneNumber')}</dt>
            <dd>{account.displayPhoneNumber ? dialled(account.displayPhoneNumber) : '—'}</dd>
            <dt>{t('adminChannels.phoneNumberId')}</dt>
            <dd>
              <code>{account.externalId}</code>
            </dd>
            <dt>{t('adminChannels.wabaId')}</dt>
            <dd>
              <code>{account.wabaId ?? '—'}</code>
            </dd>
            <dt>{t('adminChannels.accessToken')}</dt>
            <dd>{isSet('accessToken')}</dd>
          </>
        )}
        {account.channel === 'messenger' && (
          <>
            <dt>{t('adminChannels.pageId')}</dt>
            <dd>
              <code>{account.externalId}</code>
            </dd>
            <dt>{t('adminChannels.pageAccessToken')}</dt>
            <dd>{isSet('pageAccessToken')}</dd>
          </>
        )}
        {account.channel !== 'webchat' && (
          <>
            <dt>{t('adminChannels.appSecret')}</dt>
            <dd>{isSet('appSecret')}</dd>
            <dt>{t('adminChannels.verifyToken')}</dt>
            <dd>{isSet('verifyToken')}</dd>
          </>
        )}
        {account.widget && (
          <>
            <dt>{t('adminChannels.widgetKey')}</dt>
            <dd>
              <code>{account.externalId}</code>
            </dd>
            <dt>{t('adminChannels.greeting')}</dt>
            <dd>{account.widget.greeting ?? '—'}</dd>
          </>
        )}
      </dl>
      {account.widget && (
        <>
          {justCreated && (
            <p role="status" className="channels-created">
              {t('adminChannels.created')}
            </p>
          )}
          <CopyField label={t('adminChannels.snippet')} value={account.widget.snippet} multiline />
        </>
      )}
    </li>
  );
}

/** A value to paste elsewhere: read-only text (never HTML), selected on focus, with a button to copy it. */
function CopyField({
  label,
  value,
  multiline = false,
}: {
  label: string;
  value: string;
  multiline?: boolean;
}) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const id = useId();
  const select = (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => e.currentTarget.select();
  return (
    <div className="channels-copy">
      {/* Beside the field, not around it: a label around a textarea would take its text into the field's name. */}
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea id={id} readOnly value={value} rows={2} spellCheck={false} onFocus={select} />
      ) : (
        <input id={id} readOnly value={value} spellCheck={false} onFocus={select} />
      )}
      <button
        type="button"
        aria-label={t('adminChannels.copyNamed', { what: label })}
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? t('adminChannels.copied') : t('adminChannels.copy')}
      </button>
    </div>
  );
}
