import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

export interface Contact {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  note: string | null;
  identities: Array<{ id: string; kind: string; value: string }>;
  blacklisted: boolean;
}

export interface HistorySession {
  id: string;
  channel: string;
  sourceName: string;
  state: string;
  queuedAt: string;
  endedAt: string | null;
  wrapupNote: string | null;
  messages: Array<{
    id: string;
    direction: string;
    authorKind: string;
    author: { name: string } | null;
    text: string | null;
    createdAt: string;
  }>;
}

export function useContact(id: string) {
  return useQuery({ queryKey: keys.contact(id), queryFn: () => api<Contact>('GET', `/contacts/${id}`) });
}

export function useContactSessions(id: string) {
  return useQuery({
    queryKey: keys.contactSessions(id),
    queryFn: async () => (await api<{ items: HistorySession[] }>('GET', `/contacts/${id}/sessions`)).items,
  });
}

export function useUpdateContact(id: string) {
  const client = useQueryClient();
  return async (patch: Partial<Pick<Contact, 'name' | 'email' | 'phone' | 'note'>>) => {
    const updated = await api<Contact>('PATCH', `/contacts/${id}`, patch);
    client.setQueryData(keys.contact(id), updated);
  };
}
