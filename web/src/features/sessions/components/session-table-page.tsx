import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ChannelIcon } from '../../../components/ui/channel-icon';
import { ErrorText } from '../../../components/ui/error-text';
import { navigate, useLocation } from '../../../lib/router';
import { useTags } from '../api/sessions';
import { emptyFilters, useOperatorNames, useSessionTable, type SessionFilters } from '../api/session-table';
import { SessionDetailPanel } from './session-detail-panel';
import { useGroups } from '../../../lib/tenant-queries';

const channels = ['webchat', 'whatsapp', 'messenger'] as const;
const states = ['waiting', 'offered', 'active', 'ended'] as const;

/** Every session the operator may see: search, filters, and a detail with Resume. */
export function SessionTablePage({ onOpen }: { onOpen: (sessionId: string) => void }) {
  const { t, i18n } = useTranslation();
  const { search } = useLocation();
  const selected = new URLSearchParams(search).get('id');
  const [draft, setDraft] = useState<SessionFilters>(emptyFilters);
  const [filters, setFilters] = useState<SessionFilters>(emptyFilters);
  const table = useSessionTable(filters);
  const groups = useGroups();
  const operators = useOperatorNames();
  const tags = useTags();
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const rows = table.data?.pages.flatMap((p) => p.items) ?? [];

  // Selects and date fields apply at once; the search box on Enter or "Search".
  useEffect(() => {
    setFilters((current) => ({ ...draft, q: current.q }));
  }, [draft.channel, draft.state, draft.operatorId, draft.groupId, draft.tagId, draft.from, draft.to]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setFilters(draft);
  }
  const field = (name: keyof SessionFilters) => ({
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  const groupName = (id: string | null) => groups.data?.find((g) => g.id === id)?.name ?? '—';
  const tagNames = (ids: string[]) =>
    ids
      .map((id) => tags.data?.find((tag) => tag.id === id)?.name)
      .filter(Boolean)
      .join(', ');

  return (
    <div className="page">
      <main className="page-main">
        <h1>{t('sessionTable.title')}</h1>
        <form className="filters" onSubmit={submit} role="search" aria-label={t('sessionTable.filters')}>
          <label>
            {t('sessionTable.search')}
            <input type="search" {...field('q')} maxLength={200} placeholder={t('sessionTable.searchHint')} />
          </label>
          <label>
            {t('sessionTable.channel')}
            <select {...field('channel')}>
              <option value="">{t('sessionTable.any')}</option>
              {channels.map((c) => (
                <option key={c} value={c}>
                  {t(`channel.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('sessionTable.state')}
            <select {...field('state')}>
              <option value="">{t('sessionTable.any')}</option>
              {states.map((s) => (
                <option key={s} value={s}>
                  {t(`sessionState.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('sessionTable.operator')}
            <select {...field('operatorId')}>
              <option value="">{t('sessionTable.any')}</option>
              {operators.data?.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('sessionTable.group')}
            <select {...field('groupId')}>
              <option value="">{t('sessionTable.any')}</option>
              {groups.data?.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('sessionTable.tag')}
            <select {...field('tagId')}>
              <option value="">{t('sessionTable.any')}</option>
              {tags.data?.map((tag) => (
                <option key={tag.id} value={tag.id}>
                  {tag.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('sessionTable.from')}
            <input type="date" {...field('from')} />
          </label>
          <label>
            {t('sessionTable.to')}
            <input type="date" {...field('to')} />
          </label>
          <div className="filter-actions">
            <button type="submit" className="primary">
              {t('sessionTable.searchButton')}
            </button>
            <button
              type="button"
              onClick={() => {
                setDraft(emptyFilters);
                setFilters(emptyFilters);
              }}
            >
              {t('sessionTable.clear')}
            </button>
          </div>
        </form>
        <ErrorText error={table.error} />
        <table className="data-table" aria-label={t('sessionTable.title')} aria-busy={table.isFetching}>
          <thead>
            <tr>
              <th scope="col">{t('sessionTable.started')}</th>
              <th scope="col">{t('sessionTable.channel')}</th>
              <th scope="col">{t('sessionTable.contact')}</th>
              <th scope="col">{t('sessionTable.state')}</th>
              <th scope="col">{t('sessionTable.group')}</th>
              <th scope="col">{t('sessionTable.operators')}</th>
              <th scope="col">{t('sessionTable.tags')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} aria-selected={s.id === selected} data-testid="session-table-row">
                <td>
                  <button
                    type="button"
                    className="link"
                    onClick={() => navigate(`/sessions?id=${s.id}`)}
                    aria-label={t('sessionTable.openDetail', {
                      contact: s.contact.name ?? t('common.unknownContact'),
                      date: date.format(new Date(s.queuedAt)),
                    })}
                  >
                    {date.format(new Date(s.queuedAt))}
                  </button>
                </td>
                <td>
                  <ChannelIcon channel={s.channel} />
                </td>
                <td>{s.contact.name ?? t('common.unknownContact')}</td>
                <td>{t(`sessionState.${s.state}`)}</td>
                <td>{s.groupName ?? groupName(s.groupId)}</td>
                <td>{s.participants.map((p) => p.name).join(', ') || '—'}</td>
                <td>{tagNames(s.tagIds) || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {table.data && rows.length === 0 && <p className="muted">{t('sessionTable.none')}</p>}
        {table.hasNextPage && (
          <button
            type="button"
            onClick={() => void table.fetchNextPage()}
            disabled={table.isFetchingNextPage}
          >
            {t('sessionTable.more')}
          </button>
        )}
      </main>
      {selected && (
        <SessionDetailPanel
          sessionId={selected}
          onClose={() => navigate('/sessions')}
          onResumed={(id) => onOpen(id)}
        />
      )}
    </div>
  );
}
