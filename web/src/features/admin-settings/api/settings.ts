import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { BlockedFileTypes } from '@switchboard/server/check-upload';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

export type { BlockedFileTypes } from '@switchboard/server/check-upload';
export { DEFAULT_BLOCKED_FILE_TYPES } from '@switchboard/server/check-upload';

/** The tenant's general settings (`GET /tenant/settings`). */
export interface GeneralSettings {
  wrapupRequired: boolean;
  /** Null: nothing is sent when a session ends. */
  endMessage: string | null;
  defaultGroupId: string | null;
  timezone: string;
  /** Days after which ended sessions and their files are deleted; null keeps them forever. */
  retentionDays: number | null;
}

export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;

export function useGeneralSettings() {
  return useQuery({
    queryKey: keys.tenantSettings,
    queryFn: () => api<GeneralSettings>('GET', '/tenant/settings'),
  });
}

/** Saves some of the settings; the cache (shared with the workspace) takes what the server answers. */
export function useUpdateSettings() {
  const client = useQueryClient();
  return async (patch: Partial<GeneralSettings>) => {
    const settings = await api<GeneralSettings>('PATCH', '/tenant/settings', patch);
    client.setQueryData(keys.tenantSettings, settings);
    return settings;
  };
}

export interface GroupOption {
  id: string;
  name: string;
}

export function useGroupOptions() {
  return useQuery({
    queryKey: keys.settingsGroups,
    queryFn: async () => (await api<{ items: GroupOption[] }>('GET', '/groups')).items,
  });
}

export function useBlockedFileTypes() {
  return useQuery({
    queryKey: keys.blockedFileTypes,
    queryFn: () => api<BlockedFileTypes>('GET', '/admin/blocked-file-types'),
  });
}

/** Replaces the blocked file types; the server answers them normalised (lower case, sorted, no duplicates). */
export function useSetBlockedFileTypes() {
  const client = useQueryClient();
  return async (value: BlockedFileTypes) => {
    const saved = await api<BlockedFileTypes>('PUT', '/admin/blocked-file-types', value);
    client.setQueryData(keys.blockedFileTypes, saved);
    return saved;
  };
}

/** The IANA time zones the browser knows, for suggestions (the server checks what is saved). */
export function timeZoneNames(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  const names = intl.supportedValuesOf?.('timeZone') ?? [];
  return names.includes('UTC') ? names : ['UTC', ...names];
}
