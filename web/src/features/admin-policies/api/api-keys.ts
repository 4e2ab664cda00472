import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

export const apiKeyRoles = ['operator', 'supervisor', 'admin'] as const;

export type ApiKeyRole = (typeof apiKeyRoles)[number];

/** A live API key as listed: its secret is never stored, only its first characters. */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRole;
  createdAt: string;
  lastUsedAt: string | null;
  createdByName: string | null;
}

/** Where the app serves its interactive API documentation (OpenAPI). */
export const apiDocsUrl = '/api/docs';

export function useApiKeys() {
  return useQuery({
    queryKey: keys.apiKeys,
    queryFn: async () => (await api<{ items: ApiKey[] }>('GET', '/api-keys')).items,
  });
}

/** Issues a key; returns it with the key itself, which the server shows this once and the cache never keeps. */
export function useCreateApiKey() {
  const client = useQueryClient();
  return async (input: { name: string; role: ApiKeyRole }) => {
    const { key, ...created } = await api<ApiKey & { key: string }>('POST', '/api-keys', input);
    client.setQueryData<ApiKey[]>(keys.apiKeys, (list) => [created, ...(list ?? [])]);
    return { ...created, key };
  };
}

/** Revokes the key: calls with it are refused from now on. */
export function useRevokeApiKey() {
  const client = useQueryClient();
  return async (id: string) => {
    await api<void>('DELETE', `/api-keys/${id}`);
    client.setQueryData<ApiKey[]>(keys.apiKeys, (list) => list?.filter((k) => k.id !== id));
  };
}
