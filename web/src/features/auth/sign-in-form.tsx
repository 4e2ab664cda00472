import { useState, type FormEvent } from 'react';
import { api, ApiError, setCsrfToken } from '../../lib/api';
import type { Me } from './me';

export function SignInForm({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api<Me>('POST', '/auth/login', { email, password });
      setCsrfToken(me.csrfToken);
      onSignedIn(me);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Cannot reach the server');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Switchboard</h1>
      <label>
        E-mail
        <input
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}
