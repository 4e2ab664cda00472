import { useTranslation } from 'react-i18next';
import { ChannelIcon } from '../../../components/ui/channel-icon';
import { Elapsed } from '../../../components/ui/elapsed';
import { useMySessions } from '../api/sessions';
import { lastMessageText } from './system-text';

/** The operator's open sessions; the selected one is shown in the middle. */
export function SessionList({
  selectedId,
  onSelect,
}: {
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const { data: sessions = [], isLoading } = useMySessions();
  return (
    <nav className="session-list" aria-label={t('sessions.title')}>
      <div className="list-head">
        <h2>{t('sessions.title')}</h2>
        {sessions.length > 1 && (
          <span className="hint" title={t('shortcuts.next')} data-testid="next-hint">
            <kbd aria-hidden="true">Alt+N</kbd>
            <span className="sr-only">{t('shortcuts.next')}: Alt+N</span>
          </span>
        )}
      </div>
      {!isLoading && sessions.length === 0 && <p className="muted empty">{t('sessions.empty')}</p>}
      <ul>
        {sessions.map((s) => {
          const count = s.id === selectedId ? 0 : s.unreadCount;
          const contact = s.contact.name ?? t('common.unknownContact');
          return (
            <li key={s.id}>
              <button
                type="button"
                className="session-row"
                aria-current={s.id === selectedId ? 'true' : undefined}
                onClick={() => onSelect(s.id)}
                data-testid="session-row"
              >
                <ChannelIcon channel={s.channel} />
                <span className="row-main">
                  <span className="row-top">
                    <strong>{contact}</strong>
                    <Elapsed since={s.queuedAt} label={t('sessions.sinceQueued')} />
                  </span>
                  <span className="row-last">
                    {(s.lastMessage && lastMessageText(s.lastMessage, t)) ?? s.firstMessage ?? ''}
                  </span>
                </span>
                {count > 0 && (
                  <span className="badge" aria-label={t('sessions.unread', { count })}>
                    {count}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
