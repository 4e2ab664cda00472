import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import {
  useTenantSettings,
  useUpdateTenantSettings,
  type Group,
  type GroupMember,
  type RoutingMode,
} from '../../../lib/tenant-queries';

export { useGroups, type Group, type GroupMember, type RoutingMode } from '../../../lib/tenant-queries';

export interface GroupInput {
  name: string;
  routingMode: RoutingMode;
  offerTimeoutSeconds: number;
  sticky: boolean;
  offlineMessage: string | null;
}

/** A user who can be a group's member, as `GET /operators` lists them. */
export interface MemberCandidate {
  id: string;
  name: string;
  email: string;
  role: 'operator' | 'supervisor' | 'admin';
  capacity: number;
  active: boolean;
}

/** The tenant's users (the same list, and cache, as the workspace's operators). */
export function useMemberCandidates() {
  return useQuery({
    queryKey: keys.operators,
    queryFn: async () => (await api<{ items: MemberCandidate[] }>('GET', '/operators')).items,
  });
}

/** The group sessions go to when no routing rule matches (null: the first group by name). */
export function useDefaultGroupId() {
  return useTenantSettings((settings) => settings.defaultGroupId);
}

/** Puts the changed group into the one list of groups (the filters and pickers of every page read it). */
function useStoreGroup() {
  const client = useQueryClient();
  return (group: Group) => {
    client.setQueryData<Group[]>(keys.groups, (list) =>
      [...(list ?? []).filter((g) => g.id !== group.id), group].sort((a, b) => a.name.localeCompare(b.name)),
    );
  };
}

export function useCreateGroup() {
  const store = useStoreGroup();
  return async (input: GroupInput) => {
    const group = await api<Group>('POST', '/groups', input);
    store(group);
    return group;
  };
}

export function useUpdateGroup() {
  const store = useStoreGroup();
  return async (id: string, patch: Partial<GroupInput>) => {
    const group = await api<Group>('PATCH', `/groups/${id}`, patch);
    store(group);
    return group;
  };
}

/** Replaces the group's members; a capacity left empty means the operator's own. */
export function useSetMembers() {
  const store = useStoreGroup();
  const client = useQueryClient();
  return async (id: string, members: GroupMember[]) => {
    const body = {
      members: members.map((m) => (m.capacity === null ? { userId: m.userId } : m)),
    };
    const group = await api<Group>('PUT', `/groups/${id}/members`, body);
    store(group);
    void client.invalidateQueries({ queryKey: keys.operators });
    return group;
  };
}

/**
 * Deletes a group. The server refuses (409) while it is the default group, routing rules or templates use it,
 * or sessions were ever in it; its message says which.
 */
export function useDeleteGroup() {
  const client = useQueryClient();
  return async (id: string) => {
    await api<void>('DELETE', `/groups/${id}`);
    client.setQueryData<Group[]>(keys.groups, (list) => list?.filter((g) => g.id !== id));
    void client.invalidateQueries({ queryKey: keys.operators });
  };
}

export function useSetDefaultGroup() {
  const update = useUpdateTenantSettings();
  return (defaultGroupId: string | null) => update({ defaultGroupId });
}
