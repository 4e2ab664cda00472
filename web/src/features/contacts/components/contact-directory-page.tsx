import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { navigate, useLocation } from '../../../lib/router';
import {
  useContact,
  useContactSearch,
  useMergeContacts,
  type ContactListItem,
  type EraseResult,
} from '../api/contacts';
import { ContactForm } from './contact-panel';
import { EraseContactDialog } from './erase-contact-dialog';

/** The contact directory: search, the card to edit, and (administrators) merging a duplicate or erasing. */
export function ContactDirectoryPage({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useTranslation();
  const { search } = useLocation();
  const selected = new URLSearchParams(search).get('id');
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const contacts = useContactSearch(q);
  const rows = contacts.data?.pages.flatMap((p) => p.items) ?? [];

  function submit(event: FormEvent) {
    event.preventDefault();
    setQ(draft);
  }

  return (
    <div className="page">
      <main className="page-main">
        <h1>{t('directory.title')}</h1>
        <form className="filters" role="search" onSubmit={submit} aria-label={t('directory.title')}>
          <label>
            {t('directory.search')}
            <input
              type="search"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              maxLength={200}
              placeholder={t('directory.searchHint')}
            />
          </label>
          <div className="filter-actions">
            <button type="submit" className="primary">
              {t('sessionTable.searchButton')}
            </button>
          </div>
        </form>
        <ErrorText error={contacts.error} />
        <ContactTable rows={rows} selected={selected} onSelect={(id) => navigate(`/contacts?id=${id}`)} />
        {contacts.data && rows.length === 0 && <p className="muted">{t('directory.none')}</p>}
        {contacts.hasNextPage && (
          <button type="button" onClick={() => void contacts.fetchNextPage()}>
            {t('sessionTable.more')}
          </button>
        )}
      </main>
      {selected && (
        <ContactDetail
          key={selected}
          contactId={selected}
          isAdmin={isAdmin}
          onClose={() => navigate('/contacts')}
        />
      )}
    </div>
  );
}

function ContactTable({
  rows,
  selected,
  onSelect,
}: {
  rows: ContactListItem[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <table className="data-table" aria-label={t('directory.title')}>
      <thead>
        <tr>
          <th scope="col">{t('contact.name')}</th>
          <th scope="col">{t('contact.email')}</th>
          <th scope="col">{t('contact.phone')}</th>
          <th scope="col">{t('contact.identities')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id} aria-selected={c.id === selected} data-testid="contact-row">
            <td>
              <button type="button" className="link" onClick={() => onSelect(c.id)}>
                {c.name ?? t('common.unknownContact')}
              </button>
            </td>
            <td>{c.email ?? '—'}</td>
            <td>{c.phone ?? '—'}</td>
            <td>
              {c.identities
                .map((i) => `${t(`identity.${i.kind}`, { defaultValue: i.kind })} ${i.value}`)
                .join(', ') || '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ContactDetail({
  contactId,
  isAdmin,
  onClose,
}: {
  contactId: string;
  isAdmin: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const contact = useContact(contactId);
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [erased, setErased] = useState<{ name: string; result: EraseResult } | null>(null);
  const name = contact.data?.name ?? t('common.unknownContact');
  if (erased) return <ErasedNotice name={erased.name} result={erased.result} onClose={onClose} />;
  return (
    <aside className="detail-panel" aria-label={t('directory.card', { name })}>
      <header className="detail-head">
        <h2>{name}</h2>
        <button type="button" className="icon" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <ErrorText error={contact.error} />
      {contact.data &&
        (editing ? (
          <ContactForm contact={contact.data} onDone={() => setEditing(false)} />
        ) : (
          <div className="contact-card">
            <dl className="facts">
              <dt>{t('contact.name')}</dt>
              <dd>{contact.data.name ?? '—'}</dd>
              <dt>{t('contact.email')}</dt>
              <dd>{contact.data.email ?? '—'}</dd>
              <dt>{t('contact.phone')}</dt>
              <dd>{contact.data.phone ?? '—'}</dd>
              <dt>{t('contact.note')}</dt>
              <dd className="pre">{contact.data.note ?? '—'}</dd>
              <dt>{t('contact.identities')}</dt>
              <dd>
                <ul className="identities">
                  {contact.data.identities.map((i) => (
                    <li key={i.id}>
                      <span className="muted">{t(`identity.${i.kind}`, { defaultValue: i.kind })}</span>{' '}
                      {i.value}
                    </li>
                  ))}
                </ul>
              </dd>
            </dl>
            <div className="dialog-actions start">
              <button type="button" onClick={() => setEditing(true)}>
                {t('contact.edit')}
              </button>
              {isAdmin && (
                <button type="button" onClick={() => setMerging(true)}>
                  {t('directory.merge')}
                </button>
              )}
              {isAdmin && (
                <button type="button" className="danger" onClick={() => setErasing(true)}>
                  {t('directory.erase')}
                </button>
              )}
            </div>
          </div>
        ))}
      {merging && contact.data && (
        <MergeDialog targetId={contactId} targetName={name} onClose={() => setMerging(false)} />
      )}
      {erasing && contact.data && (
        <EraseContactDialog
          contact={contact.data}
          name={name}
          onClose={() => setErasing(false)}
          onErased={(result) => setErased({ name, result })}
        />
      )}
    </aside>
  );
}

/** In place of an erased contact's card: what went, and what stays. */
function ErasedNotice({ name, result, onClose }: { name: string; result: EraseResult; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <aside className="detail-panel" aria-label={t('directory.erased', { name })}>
      <header className="detail-head">
        <h2>{t('directory.erased', { name })}</h2>
        <button type="button" className="icon" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <p role="status" data-testid="erase-result">
        {t('directory.erasedCounts', {
          messages: result.messagesDeleted,
          files: result.filesDeleted,
          identities: result.identitiesDeleted,
        })}
      </p>
      <p className="muted">{t('directory.erasedKept', { count: result.sessions })}</p>
    </aside>
  );
}

/** Pick the duplicate, confirm, and it is folded into this contact. */
function MergeDialog({
  targetId,
  targetName,
  onClose,
}: {
  targetId: string;
  targetName: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [source, setSource] = useState<ContactListItem | null>(null);
  const [error, setError] = useState<unknown>(null);
  const candidates = useContactSearch(q);
  const merge = useMergeContacts();
  const rows = (candidates.data?.pages.flatMap((p) => p.items) ?? []).filter((c) => c.id !== targetId);

  async function confirm() {
    if (!source) return;
    try {
      setError(null);
      await merge(targetId, source.id);
      onClose();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <Dialog title={t('directory.mergeTitle', { name: targetName })} onClose={onClose}>
      <div className="dialog-body">
        <label>
          {t('directory.findDuplicate')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} maxLength={200} />
        </label>
        <fieldset>
          <legend>{t('directory.duplicate')}</legend>
          <div className="reasons">
            {rows.map((c) => (
              <label key={c.id} className="reason">
                <input
                  type="radio"
                  name="duplicate"
                  checked={source?.id === c.id}
                  onChange={() => setSource(c)}
                />
                {c.name ?? t('common.unknownContact')}
                <span className="muted">{[c.email, c.phone].filter(Boolean).join(' · ')}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {source && (
          <p>
            {t('directory.mergeExplain', {
              source: source.name ?? t('common.unknownContact'),
              target: targetName,
            })}
          </p>
        )}
        <ErrorText error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="primary" disabled={!source} onClick={() => void confirm()}>
            {t('directory.mergeConfirm')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
