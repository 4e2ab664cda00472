import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ServerEventMap } from '@switchboard/server/events';
import { api } from './api';
import { keys } from './query-keys';

/**
 * The tenant's groups and settings: read by the workspace and several administration pages, so each is one
 * query under one key, and a change made on any page (or announced by the server) shows on all of them.
 */

/** `GET /tenant/settings`, and what `tenant.settings.changed` carries. */
export type TenantSettings = ServerEventMap['tenant.settings.changed'];

export type RoutingMode = 'utilisation' | 'whole_group';

export interface GroupMember {
  userId: string;
  /** Sessions of this group at once; null: the operator's own capacity. */
  capacity: number | null;
}

/** A group as `GET /groups` lists it, with its settings and members. */
export interface Group {
  id: string;
  name: string;
  routingMode: RoutingMode;
  offerTimeoutSeconds: number;
  sticky: boolean;
  offlineMessage: string | null;
  memberIds: string[];
  members: GroupMember[];
}

/** The groups the caller may see, by name; `select` picks what a page needs from them. */
export function useGroups<T = Group[]>(select?: (groups: Group[]) => T) {
  return useQuery({
    queryKey: keys.groups,
    queryFn: async () => (await api<{ items: Group[] }>('GET', '/groups')).items,
    select,
  });
}

export function useTenantSettings<T = TenantSettings>(select?: (settings: TenantSettings) => T) {
  return useQuery({
    queryKey: keys.tenantSettings,
    queryFn: () => api<TenantSettings>('GET', '/tenant/settings'),
    select,
  });
}

/** Saves some of the settings (administrators); every page reading them takes what the server answers. */
export function useUpdateTenantSettings() {
  const client = useQueryClient();
  return async (patch: Partial<TenantSettings>) => {
    const settings = await api<TenantSettings>('PATCH', '/tenant/settings', patch);
    client.setQueryData(keys.tenantSettings, settings);
    return settings;
  };
}
