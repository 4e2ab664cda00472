import { useEffect, useState } from 'react';
import { api, setCsrfToken } from '../lib/api';
import { connectRealtime, type AppSocket } from '../lib/socket';
import { SignInForm } from '../features/auth/sign-in-form';
import type { Me } from '../features/auth/me';
import { OperatorList, type OperatorRow } from '../features/operators/operator-list';
import { PresenceSwitch } from '../features/operators/presence-switch';

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [operators, setOperators] = useState<OperatorRow[]>([]);
  const [socket, setSocket] = useState<AppSocket | null>(null);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    api<Me>('GET', '/auth/me')
      .then((found) => {
        setCsrfToken(found.csrfToken);
        setMe(found);
      })
      .catch(() => setMe(null));
  }, []);

  useEffect(() => {
    if (!me) return;
    void api<{ items: OperatorRow[] }>('GET', '/operators').then((r) => setOperators(r.items));
    const s = connectRealtime((event) => {
      if (event.name === 'presence.changed') {
        const p = event.payload as { userId: string; status: string; awayReason: string | null };
        setOperators((list) =>
          list.map((o) => (o.id === p.userId ? { ...o, presence: p.status, awayReason: p.awayReason } : o)),
        );
      }
    }, setConnected);
    setSocket(s);
    return () => {
      s.close();
    };
  }, [me]);

  if (me === undefined) return null;
  if (me === null) return <SignInForm onSignedIn={setMe} />;

  const own = operators.find((o) => o.id === me.id);
  async function signOut() {
    await api('POST', '/auth/logout');
    setMe(null);
  }

  return (
    <main>
      <header className="top">
        <strong>Switchboard</strong>
        <span>
          {me.name} · {me.role}
        </span>
        <span className={connected ? 'live' : 'offline'} data-testid="connection">
          {connected ? 'connected' : 'reconnecting…'}
        </span>
        <PresenceSwitch socket={socket} current={own?.presence ?? 'offline'} />
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <OperatorList operators={operators} />
    </main>
  );
}
