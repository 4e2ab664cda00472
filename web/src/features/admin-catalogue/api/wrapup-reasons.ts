import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import { useUpdateTenantSettings } from '../../../lib/tenant-queries';

export interface WrapupReason {
  id: string;
  name: string;
  /** An inactive reason is kept for the sessions that used it and no longer offered. */
  active: boolean;
  createdAt: string;
}

export interface DeleteOutcome {
  outcome: 'deleted' | 'deactivated';
  reason: WrapupReason | null;
}

/** Every reason of the tenant, deactivated ones too. */
export function useAllWrapupReasons() {
  return useQuery({
    queryKey: keys.allWrapupReasons,
    queryFn: async () =>
      (await api<{ items: WrapupReason[] }>('GET', '/wrapup-reasons?includeInactive=true')).items,
  });
}

/** After a change, the lists operators pick from (under the same key prefix) are read again too. */
function useRefresh() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: keys.wrapupReasons });
}

export function useSaveWrapupReason() {
  const refresh = useRefresh();
  return async (id: string | undefined, fields: { name?: string; active?: boolean }) => {
    const saved = id
      ? await api<WrapupReason>('PATCH', `/wrapup-reasons/${id}`, fields)
      : await api<WrapupReason>('POST', '/wrapup-reasons', fields);
    await refresh();
    return saved;
  };
}

/** Deletes the reason, or deactivates it when a session used it: the outcome says which. */
export function useDeleteWrapupReason() {
  const refresh = useRefresh();
  return async (id: string) => {
    const result = await api<DeleteOutcome>('DELETE', `/wrapup-reasons/${id}`);
    await refresh();
    return result;
  };
}

export function useSetWrapupRequired() {
  const update = useUpdateTenantSettings();
  return (wrapupRequired: boolean) => update({ wrapupRequired });
}
