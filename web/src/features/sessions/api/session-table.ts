import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { OperatorRow, Session } from '../../../lib/types';

export interface SessionFilters {
  q: string;
  channel: string;
  state: string;
  operatorId: string;
  groupId: string;
  tagId: string;
  /** Days (yyyy-mm-dd) in the operator's time zone, both included. */
  from: string;
  to: string;
}

export const emptyFilters: SessionFilters = {
  q: '',
  channel: '',
  state: '',
  operatorId: '',
  groupId: '',
  tagId: '',
  from: '',
  to: '',
};

function queryOf(filters: SessionFilters, cursor: string | null): string {
  const params = new URLSearchParams({ limit: '50' });
  for (const name of ['q', 'channel', 'state', 'operatorId', 'groupId', 'tagId'] as const)
    if (filters[name].trim()) params.set(name, filters[name].trim());
  // A day filter means the whole local day: from its midnight to the next one.
  if (filters.from) params.set('from', new Date(`${filters.from}T00:00:00`).toISOString());
  if (filters.to) {
    const end = new Date(`${filters.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    params.set('to', end.toISOString());
  }
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

/** The session table: every session the operator may see, filtered, newest first, page by page. */
export function useSessionTable(filters: SessionFilters) {
  return useInfiniteQuery({
    queryKey: ['session-table', filters],
    queryFn: ({ pageParam }) =>
      api<{ items: Session[]; nextCursor: string | null }>('GET', `/sessions?${queryOf(filters, pageParam)}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useOperatorNames() {
  return useQuery({
    queryKey: keys.operators,
    queryFn: async () => (await api<{ items: OperatorRow[] }>('GET', '/operators')).items,
  });
}

export function useAllWrapupReasons() {
  return useQuery({
    queryKey: ['wrapup-reasons', ''],
    queryFn: async () =>
      (await api<{ items: Array<{ id: string; name: string }> }>('GET', '/wrapup-reasons')).items,
  });
}

/** A new session with the contact of an ended one, assigned to the operator. */
export function resumeSession(id: string): Promise<Session> {
  return api<Session>('POST', `/sessions/${id}/resume`);
}
