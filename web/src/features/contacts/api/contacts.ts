import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
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
    void client.invalidateQueries({ queryKey: ['contact-search'] });
  };
}

export interface ContactListItem {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  note: string | null;
  identities: Array<{ id: string; kind: string; value: string }>;
}

/** The contact directory: a search over names, e-mails, phones and identities, page by page. */
export function useContactSearch(q: string) {
  return useInfiniteQuery({
    queryKey: ['contact-search', q],
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams({ limit: '50' });
      if (q.trim()) params.set('q', q.trim());
      if (pageParam) params.set('cursor', pageParam);
      return api<{ items: ContactListItem[]; nextCursor: string | null }>('GET', `/contacts?${params}`);
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

/** Folds the duplicate into the contact; the directory and both cards are read again. */
export function useMergeContacts() {
  const client = useQueryClient();
  return async (targetId: string, sourceId: string) => {
    const merged = await api<Contact>('POST', `/contacts/${targetId}/merge`, { sourceContactId: sourceId });
    client.setQueryData(keys.contact(targetId), merged);
    void client.invalidateQueries({ queryKey: ['contact-search'] });
    client.removeQueries({ queryKey: keys.contact(sourceId) });
    return merged;
  };
}

/** What an erase removed (the sessions stay, without the person). */
export interface EraseResult {
  contactId: string;
  sessions: number;
  messagesDeleted: number;
  identitiesDeleted: number;
  filesDeleted: number;
}

/** Erases the contact (GDPR); the directory is read again and the card is forgotten. */
export function useEraseContact() {
  const client = useQueryClient();
  return async (id: string) => {
    const result = await api<EraseResult>('DELETE', `/contacts/${id}`);
    void client.invalidateQueries({ queryKey: ['contact-search'] });
    client.removeQueries({ queryKey: keys.contact(id) });
    client.removeQueries({ queryKey: keys.contactSessions(id) });
    return result;
  };
}
