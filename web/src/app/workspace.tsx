import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { dialogOpen } from '../lib/keyboard';
import type { Me } from '../lib/types';
import { ContactPanel } from '../features/contacts/components/contact-panel';
import { useClearUnread, useMySessions } from '../features/sessions/api/sessions';
import { SessionList } from '../features/sessions/components/session-list';
import { SessionView } from '../features/sessions/components/session-view';

/** The operator's page: their sessions, the open one, and its contact. */
export function Workspace({
  me,
  openId,
  onOpen,
}: {
  me: Me;
  openId: string | null;
  onOpen: (id: string | null) => void;
}) {
  const { t } = useTranslation();
  const sessions = useMySessions();
  const clearUnread = useClearUnread();
  const open = sessions.data?.find((s) => s.id === openId) ?? null;
  const openRef = useRef(openId);
  openRef.current = openId;

  function select(id: string) {
    onOpen(id);
    clearUnread(id);
  }

  useEffect(() => {
    if (openId) clearUnread(openId);
  }, [openId]);

  // Alt+N: the next session in the list.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (!event.altKey || event.code !== 'KeyN' || dialogOpen()) return;
      const list = sessions.data ?? [];
      if (list.length === 0) return;
      event.preventDefault();
      const index = list.findIndex((s) => s.id === openRef.current);
      select(list[(index + 1) % list.length]!.id);
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="columns">
      <SessionList selectedId={openId} onSelect={select} />
      <main className="center">
        {open ? (
          <SessionView sessionId={open.id} me={me} onClosed={() => onOpen(null)} />
        ) : (
          <p className="muted center-note">{t('sessions.pick')}</p>
        )}
      </main>
      {open ? (
        <ContactPanel contactId={open.contact.id} sessionId={open.id} />
      ) : (
        <aside className="contact-panel" />
      )}
    </div>
  );
}
