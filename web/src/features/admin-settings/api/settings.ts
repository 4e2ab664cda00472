import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { BlockedFileTypes } from '@switchboard/server/check-upload';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

export type { BlockedFileTypes } from '@switchboard/server/check-upload';
export { DEFAULT_BLOCKED_FILE_TYPES } from '@switchboard/server/check-upload';

export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;

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
