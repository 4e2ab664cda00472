import { useQuery } from '@tanstack/react-query';
import { api, ApiError, setCsrfToken } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Me } from '../../../lib/types';

/** The signed-in operator, or null when signed out. */
export function useMe() {
  return useQuery({
    queryKey: keys.me,
    staleTime: Infinity,
    queryFn: async () => {
      try {
        const me = await api<Me>('GET', '/auth/me');
        setCsrfToken(me.csrfToken);
        return me;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
  });
}

export async function signIn(email: string, password: string): Promise<Me> {
  const me = await api<Me>('POST', '/auth/login', { email, password });
  setCsrfToken(me.csrfToken);
  return me;
}

export async function signOut(): Promise<void> {
  await api('POST', '/auth/logout');
  setCsrfToken(undefined);
}
