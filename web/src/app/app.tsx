import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppLink } from '../components/ui/app-link';
import { languages } from '../i18n';
import { keys } from '../lib/query-keys';
import { navigate, useLocation } from '../lib/router';
import { connectRealtime } from '../lib/socket';
import type { Me } from '../lib/types';
import { signOut, useMe } from '../features/auth/api/auth';
import { SignInForm } from '../features/auth/components/sign-in-form';
import { AdminArea, AdminsOnly } from '../features/admin/components/admin-area';
import { sectionOf } from '../features/admin/sections';
import { ContactDirectoryPage } from '../features/contacts/components/contact-directory-page';
import { OfferPopovers } from '../features/offers/components/offer-popovers';
import { PresenceSwitch } from '../features/presence/components/presence-switch';
import { SessionTablePage } from '../features/sessions/components/session-table-page';
import { NewWhatsAppSession } from '../features/whatsapp/components/new-whatsapp-session';
import { applyEphemeral, applyEvent } from './realtime';
import { ShortcutsHelp } from './shortcuts-help';
import { AppSlots } from './slots';
import { Workspace } from './workspace';

export function App() {
  const me = useMe();
  if (me.isLoading) return null;
  if (!me.data) return <SignInForm />;
  return (
    <AppSlots>
      <Shell me={me.data} />
    </AppSlots>
  );
}

const pages = [
  { path: '/', label: 'nav.workspace', adminOnly: false },
  { path: '/sessions', label: 'nav.sessions', adminOnly: false },
  { path: '/contacts', label: 'nav.contacts', adminOnly: false },
  { path: '/admin', label: 'nav.admin', adminOnly: true },
] as const;

/** The header (presence, pages, language), the realtime connection and the offers, on every page. */
function Shell({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const { path, search } = useLocation();
  const adminSection = sectionOf(path);
  const [connected, setConnected] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const [newWhatsApp, setNewWhatsApp] = useState(false);
  const openRef = useRef(openId);
  openRef.current = path === '/' ? openId : null;

  useEffect(() => {
    let closed = false;
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
      // Signed out elsewhere (deactivated, a new password set) or the server stopping: whoever is still signed in
      // connects again; whoever is not sees the sign-in page.
      onClosedByServer: () => {
        void client.invalidateQueries({ queryKey: keys.me }).then(() => {
          if (!closed && client.getQueryData(keys.me)) socket.connect();
        });
      },
    });
    return () => {
      closed = true;
      socket.close();
    };
  }, [client, me.id]);

  useEffect(() => {
    // Webhooks were first kept at /webhooks; that address still leads there.
    if (path === '/webhooks') navigate(`/admin/webhooks${search}`, { replace: true });
  }, [path, search]);

  function openSession(id: string) {
    setOpenId(id);
    if (path !== '/') navigate('/');
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
        <nav className="pages" aria-label={t('nav.label')}>
          {pages
            .filter((p) => !p.adminOnly || me.role === 'admin')
            .map((p) => (
              <AppLink
                key={p.path}
                to={p.path}
                current={p.path === '/admin' ? adminSection !== null : path === p.path}
              >
                {t(p.label)}
              </AppLink>
            ))}
        </nav>
        <button type="button" onClick={() => setNewWhatsApp(true)}>
          {t('whatsapp.newSession')}
        </button>
        <PresenceSwitch userId={me.id} />
        <span className="spacer" />
        <span className={`connection ${connected ? 'live' : 'down'}`} data-testid="connection" role="status">
          {connected ? t('connection.connected') : t('connection.reconnecting')}
        </span>
        <ShortcutsHelp />
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
      {path === '/sessions' ? (
        <SessionTablePage onOpen={openSession} />
      ) : path === '/contacts' ? (
        <ContactDirectoryPage isAdmin={me.role === 'admin'} />
      ) : adminSection ? (
        me.role === 'admin' ? (
          <AdminArea section={adminSection} />
        ) : (
          <AdminsOnly />
        )
      ) : (
        <Workspace me={me} openId={openId} onOpen={setOpenId} />
      )}
      <OfferPopovers onAccepted={openSession} />
      {newWhatsApp && (
        <NewWhatsAppSession
          onClose={() => setNewWhatsApp(false)}
          onOpened={(id) => {
            setNewWhatsApp(false);
            openSession(id);
          }}
        />
      )}
    </div>
  );
}
