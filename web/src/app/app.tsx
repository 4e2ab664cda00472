import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { languages } from '../i18n';
import { keys } from '../lib/query-keys';
import { connectRealtime } from '../lib/socket';
import type { Me } from '../lib/types';
import { signOut, useMe } from '../features/auth/api/auth';
import { SignInForm } from '../features/auth/components/sign-in-form';
import { ContactPanel } from '../features/contacts/components/contact-panel';
import { OfferPopovers } from '../features/offers/components/offer-popovers';
import { PresenceSwitch } from '../features/presence/components/presence-switch';
import { useMySessions } from '../features/sessions/api/sessions';
import { SessionList } from '../features/sessions/components/session-list';
import { SessionView } from '../features/sessions/components/session-view';
import { applyEphemeral, applyEvent } from './realtime';

export function App() {
  const me = useMe();
  if (me.isLoading) return null;
  if (!me.data) return <SignInForm />;
  return <Workspace me={me.data} />;
}

function Workspace({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const [connected, setConnected] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const openRef = useRef(openId);
  openRef.current = openId;
  const sessions = useMySessions();
  const open = sessions.data?.find((s) => s.id === openId) ?? null;

  useEffect(() => {
    const socket = connectRealtime({
      onEvent: (event) => applyEvent(client, event, { meId: me.id, openSessionId: openRef.current }),
      onEphemeral: (signal) => applyEphemeral(client, signal),
      onStatus: (up) => {
        setConnected(up);
        // Replay covers a gap in the connection; what changed before the first connect is fetched again.
        if (up) {
          void client.invalidateQueries({ queryKey: keys.offers });
          void client.invalidateQueries({ queryKey: keys.mySessions });
        }
      },
    });
    return () => {
      socket.close();
    };
  }, [client, me.id]);

  // Alt+N: the next session in the list.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (!event.altKey || event.code !== 'KeyN') return;
      const list = sessions.data ?? [];
      if (list.length === 0) return;
      event.preventDefault();
      const index = list.findIndex((s) => s.id === openRef.current);
      select(list[(index + 1) % list.length]!.id);
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  function select(id: string) {
    setOpenId(id);
    client.setQueryData<Record<string, number>>(keys.unread, (counts = {}) => ({ ...counts, [id]: 0 }));
  }

  async function leave() {
    await signOut().catch(() => undefined);
    client.clear();
    client.setQueryData(keys.me, null);
  }

  return (
    <div className="workspace">
      <header className="top">
        <strong className="brand">Switchboard</strong>
        <PresenceSwitch userId={me.id} />
        <span className="spacer" />
        <span className={`connection ${connected ? 'live' : 'down'}`} data-testid="connection" role="status">
          {connected ? t('connection.connected') : t('connection.reconnecting')}
        </span>
        <label className="language">
          <span className="sr-only">{t('language.label')}</span>
          <select value={i18n.resolvedLanguage} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
            {languages.map((lng) => (
              <option key={lng} value={lng}>
                {t(`language.${lng}`)}
              </option>
            ))}
          </select>
        </label>
        <span className="me">{me.name}</span>
        <button type="button" onClick={() => void leave()}>
          {t('auth.signOut')}
        </button>
      </header>
      <div className="columns">
        <SessionList selectedId={openId} onSelect={select} />
        <main className="center">
          {open ? (
            <SessionView sessionId={open.id} me={me} onClosed={() => setOpenId(null)} />
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
      <OfferPopovers onAccepted={select} />
    </div>
  );
}
