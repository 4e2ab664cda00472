import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Me } from '../../../lib/types';

export type Role = 'operator' | 'supervisor' | 'admin';
export const roles: readonly Role[] = ['operator', 'supervisor', 'admin'];
export type Presence = 'available' | 'away' | 'rona' | 'offline';
export const languages = ['en', 'cs'] as const;
export type Language = (typeof languages)[number];

/** An operator as the administration shows one (`GET /operators`). */
export interface Operator {
  id: string;
  email: string;
  name: string;
  role: Role;
  capacity: number;
  language: string;
  active: boolean;
  presence: Presence;
  awayReason: string | null;
  groupIds: string[];
}

export interface InviteInput {
  name: string;
  email: string;
  role: Role;
  capacity: number;
  password: string;
  groupIds: string[];
}

export type OperatorChanges = Partial<{
  name: string;
  role: Role;
  capacity: number;
  language: Language;
  active: boolean;
}>;

/**
 * Every operator of the tenant. The workspace keeps the same list (presence, names) under the same key, and
 * realtime events keep it current.
 */
export function useOperatorList() {
  return useQuery({
    queryKey: keys.operators,
    queryFn: async () => (await api<{ items: Operator[] }>('GET', '/operators')).items,
  });
}

/** After a change: the operator in the list at once; group lists (members) read again. */
function useStore() {
  const client = useQueryClient();
  return (operator: Operator, groupsChanged: boolean) => {
    client.setQueryData<Operator[]>(keys.operators, (list) => {
      if (!list) return list;
      const known = list.some((o) => o.id === operator.id);
      return known ? list.map((o) => (o.id === operator.id ? operator : o)) : [...list, operator];
    });
    if (groupsChanged) void client.invalidateQueries({ queryKey: keys.groups });
  };
}

/** Invites an operator with a password to sign in with, into the chosen groups, in one request. */
export function useInviteOperator() {
  const store = useStore();
  return async (input: InviteInput) => {
    const created = await api<Operator>('POST', '/operators', input);
    store(created, input.groupIds.length > 0);
    return created;
  };
}

/**
 * Saves an operator's fields (only those changed) and then their groups, when those changed. The groups are set
 * for this operator alone, so other members of the groups and their settings stay as they are.
 */
export function useSaveOperator() {
  const store = useStore();
  return async (operator: Operator, changes: OperatorChanges, groupIds?: string[]) => {
    let saved = operator;
    if (Object.keys(changes).length > 0) {
      saved = await api<Operator>('PATCH', `/operators/${operator.id}`, changes);
      store(saved, false);
    }
    if (groupIds) {
      saved = await api<Operator>('PUT', `/operators/${operator.id}/groups`, { groupIds });
      store(saved, true);
    }
    return saved;
  };
}

/** A new password for the operator; they are signed out everywhere. */
export async function setOperatorPassword(id: string, password: string): Promise<void> {
  await api<void>('PUT', `/operators/${id}/password`, { password });
}

/** The signed-in administrator's id: the app has read who is signed in before any page shows. */
export function useMyId(): string | undefined {
  const client = useQueryClient();
  return client.getQueryData<Me | null>(keys.me)?.id;
}
