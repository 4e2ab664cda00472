import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import { keys } from '../../../lib/query-keys';
import { signIn } from '../api/auth';

export function SignInForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signingIn = useMutation({
    mutationFn: (credentials: { email: string; password: string }) =>
      signIn(credentials.email, credentials.password),
    onSuccess: (me) => client.setQueryData(keys.me, me),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    signingIn.mutate({ email, password });
  }

  return (
    <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Switchboard</h1>
      <label>
        {t('auth.email')}
        <input
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <label>
        {t('auth.password')}
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <ErrorText error={signingIn.error} />
      <button type="submit" className="primary" disabled={signingIn.isPending}>
        {t('auth.signIn')}
      </button>
    </form>
  );
}
