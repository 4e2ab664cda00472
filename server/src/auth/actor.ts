export type UserRole = 'operator' | 'supervisor' | 'admin';

/** Who is making a request or holds a socket: a signed-in user or an API key, always inside one tenant. */
export interface Actor {
  kind: 'user' | 'api_key';
  tenantId: string;
  /** The user's id, or the API key's id. */
  id: string;
  name: string;
  role: UserRole;
  /** Groups whose sessions the actor may see: every group for admins and API keys. */
  groupIds: string[] | 'all';
}

const RANK: Record<UserRole, number> = { operator: 1, supervisor: 2, admin: 3 };

export function hasRole(actor: Actor, atLeast: UserRole): boolean {
  return RANK[actor.role] >= RANK[atLeast];
}

export function canSeeGroup(actor: Actor, groupId: string | null): boolean {
  if (actor.groupIds === 'all') return true;
  return groupId !== null && actor.groupIds.includes(groupId);
}
