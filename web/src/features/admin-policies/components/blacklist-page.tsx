import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppLink } from '../../../components/ui/app-link';
import { ErrorText } from '../../../components/ui/error-text';
import { identityKinds, useBlacklist, type BlacklistEntry } from '../api/blacklist';
import { EditEntryDialog, RemoveEntryDialog } from './blacklist-dialogs';
import { BlacklistForm } from './blacklist-form';
import { useDateTime } from './date-time';
import { PageHead } from '../../../components/ui/page-head';

type Confirm = { kind: 'edit' | 'remove'; entry: BlacklistEntry };

/** The filter's choices: every kind of identity, and entries that name a contact of the directory. */
type KindFilter = '' | 'contact' | (typeof identityKinds)[number];

/**
 * The blacklist (administrators): the contacts and raw identities the tenant refuses. No session is created for
 * them and nothing is sent to them; a phone number also refuses the same number on WhatsApp.
 */
export function BlacklistPage() {
  const { t } = useTranslation();
  const entries = useBlacklist();
  const dateTime = useDateTime();
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<BlacklistEntry | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [query, setQuery] = useState('');
  const [kind, setKind] = useState<KindFilter>('');

  const kindLabel = (entry: BlacklistEntry) =>
    entry.identityKind
      ? t(`adminPolicies.blacklist.kinds.${entry.identityKind}`)
      : t('adminPolicies.blacklist.kinds.contact');
  const whoOf = (entry: BlacklistEntry) =>
    entry.identityValue ?? entry.contactName ?? t('common.unknownContact');
  const needle = query.trim().toLowerCase();
  const shown = (entries.data ?? []).filter(
    (e) =>
      (kind === '' || (kind === 'contact' ? e.contactId !== null : e.identityKind === kind)) &&
      (!needle ||
        [e.identityValue, e.contactName, e.reason].some((text) => text?.toLowerCase().includes(needle))),
  );

  return (
    <div className="page">
      <main className="page-main">
        <PageHead
          title={t('adminPolicies.blacklist.title')}
          action={
            !adding && (
              <button
                type="button"
                className="primary"
                onClick={() => {
                  setAdded(null);
                  setAdding(true);
                }}
              >
                {t('adminPolicies.blacklist.add')}
              </button>
            )
          }
          intro={t('adminPolicies.blacklist.intro')}
        />
        {adding && (
          <section className="policies-panel" aria-label={t('adminPolicies.blacklist.addTitle')}>
            <h2>{t('adminPolicies.blacklist.addTitle')}</h2>
            <BlacklistForm
              onCancel={() => setAdding(false)}
              onAdded={(entry) => {
                setAdding(false);
                setAdded(entry);
              }}
            />
          </section>
        )}
        <p role="status" className="policies-status">
          {added &&
            t('adminPolicies.blacklist.added', { kind: kindLabel(added), value: added.identityValue ?? '' })}
        </p>
        <div
          className="filters policies-filters"
          role="search"
          aria-label={t('adminPolicies.blacklist.filter')}
        >
          <label>
            {t('adminPolicies.blacklist.search')}
            <input
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder={t('adminPolicies.blacklist.searchHint')}
            />
          </label>
          <label>
            {t('adminPolicies.blacklist.kind')}
            <select value={kind} onChange={(e) => setKind(e.target.value as KindFilter)}>
              <option value="">{t('adminPolicies.blacklist.allKinds')}</option>
              <option value="contact">{t('adminPolicies.blacklist.kinds.contact')}</option>
              {identityKinds.map((k) => (
                <option key={k} value={k}>
                  {t(`adminPolicies.blacklist.kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorText error={entries.error} />
        {entries.data && entries.data.length === 0 && (
          <p className="muted">{t('adminPolicies.blacklist.none')}</p>
        )}
        {entries.data && entries.data.length > 0 && shown.length === 0 && (
          <p className="muted">{t('adminPolicies.blacklist.noMatch')}</p>
        )}
        {shown.length > 0 && (
          <table className="data-table" aria-label={t('adminPolicies.blacklist.entries')}>
            <thead>
              <tr>
                <th scope="col">{t('adminPolicies.blacklist.who')}</th>
                <th scope="col">{t('adminPolicies.blacklist.kind')}</th>
                <th scope="col">{t('adminPolicies.blacklist.reason')}</th>
                <th scope="col">{t('adminPolicies.blacklist.addedAt')}</th>
                <th scope="col">
                  <span className="sr-only">{t('adminPolicies.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((entry) => (
                <tr key={entry.id} aria-selected={entry.id === added?.id} data-testid="blacklist-entry">
                  <td className="policies-value">
                    {entry.contactId ? (
                      <AppLink to={`/contacts?id=${entry.contactId}`}>{whoOf(entry)}</AppLink>
                    ) : (
                      whoOf(entry)
                    )}
                  </td>
                  <td>{kindLabel(entry)}</td>
                  <td className="policies-reason">{entry.reason ?? '—'}</td>
                  <td>
                    {dateTime(entry.createdAt)}
                    {entry.createdBy && (
                      <span className="muted policies-by">
                        {t(
                          entry.createdBy.kind === 'user'
                            ? 'adminPolicies.blacklist.by'
                            : 'adminPolicies.blacklist.byKey',
                          { name: entry.createdBy.name },
                        )}
                      </span>
                    )}
                  </td>
                  <td className="policies-actions">
                    <button
                      type="button"
                      aria-label={t('adminPolicies.blacklist.editLabel', { who: whoOf(entry) })}
                      onClick={() => setConfirm({ kind: 'edit', entry })}
                    >
                      {t('adminPolicies.blacklist.edit')}
                    </button>
                    <button
                      type="button"
                      className="danger"
                      aria-label={t('adminPolicies.blacklist.removeLabel', { who: whoOf(entry) })}
                      onClick={() => setConfirm({ kind: 'remove', entry })}
                    >
                      {t('adminPolicies.blacklist.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      {confirm?.kind === 'edit' && (
        <EditEntryDialog entry={confirm.entry} who={whoOf(confirm.entry)} onClose={() => setConfirm(null)} />
      )}
      {confirm?.kind === 'remove' && (
        <RemoveEntryDialog
          entry={confirm.entry}
          who={whoOf(confirm.entry)}
          onClose={() => setConfirm(null)}
          onRemoved={() => {
            if (confirm.entry.id === added?.id) setAdded(null);
            setConfirm(null);
          }}
        />
      )}
    </div>
  );
}
