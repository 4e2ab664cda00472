import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

/** The identities an entry can name, in the order the form offers them. */
export const identityKinds = ['phone', 'wa_id', 'email', 'psid', 'bsuid', 'webchat_visitor'] as const;

export type IdentityKind = (typeof identityKinds)[number];

/** A refused customer: a contact of the directory, or a raw identity (stored as the server normalised it). */
export interface BlacklistEntry {
  id: string;
  contactId: string | null;
  contactName: string | null;
  identityKind: IdentityKind | null;
  identityValue: string | null;
  reason: string | null;
  createdAt: string;
  /** Who added it; null on entries from before this was kept. */
  createdBy: { kind: 'user' | 'api_key'; name: string } | null;
}

export interface NewEntry {
  identityKind: IdentityKind;
  identityValue: string;
  reason: string | null;
}

export function useBlacklist() {
  return useQuery({
    queryKey: keys.blacklist,
    queryFn: async () => (await api<{ items: BlacklistEntry[] }>('GET', '/blacklist')).items,
  });
}

/** Adds an identity; returns the entry as stored (the value normalised), newest first in the list. */
export function useAddEntry() {
  const client = useQueryClient();
  return async (input: NewEntry) => {
    const body = { ...input, reason: input.reason ?? undefined };
    const entry = await api<BlacklistEntry>('POST', '/blacklist', body);
    client.setQueryData<BlacklistEntry[]>(keys.blacklist, (list) => [entry, ...(list ?? [])]);
    return entry;
  };
}

export function useUpdateEntry() {
  const client = useQueryClient();
  return async (id: string, reason: string | null) => {
    const entry = await api<BlacklistEntry>('PATCH', `/blacklist/${id}`, { reason });
    client.setQueryData<BlacklistEntry[]>(keys.blacklist, (list) =>
      list?.map((e) => (e.id === id ? entry : e)),
    );
    return entry;
  };
}

/** Removes the entry: the customer it named may write in again. */
export function useRemoveEntry() {
  const client = useQueryClient();
  return async (id: string) => {
    await api<void>('DELETE', `/blacklist/${id}`);
    client.setQueryData<BlacklistEntry[]>(keys.blacklist, (list) => list?.filter((e) => e.id !== id));
  };
}
