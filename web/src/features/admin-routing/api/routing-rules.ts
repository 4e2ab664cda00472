import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

export const channels = ['webchat', 'whatsapp', 'messenger'] as const;
export type Channel = (typeof channels)[number];

export interface TimeWindow {
  /** ISO days: 1 = Monday … 7 = Sunday. */
  days: number[];
  from: string;
  /** Exclusive; earlier than `from` runs past midnight. */
  to: string;
  timeZone?: string;
}

/** A rule's conditions: every one given must hold; none at all matches every session. */
export interface RuleMatch {
  channels?: Channel[];
  channelAccountIds?: string[];
  time?: TimeWindow;
  languages?: string[];
}

export interface RoutingRule {
  id: string;
  /** 1 is tried first. */
  position: number;
  match: RuleMatch;
  groupId: string;
  createdAt: string;
}

export interface RuleInput {
  match: RuleMatch;
  groupId: string;
}

export interface ChannelAccount {
  id: string;
  channel: Channel;
  name: string;
  displayPhoneNumber: string | null;
  enabled: boolean;
}

/** The rules in the order they are tried. */
export function useRoutingRules() {
  return useQuery({
    queryKey: keys.routingRules,
    queryFn: async () => (await api<{ items: RoutingRule[] }>('GET', '/routing-rules')).items,
  });
}

export function useChannelAccounts() {
  return useQuery({
    queryKey: keys.routingChannelAccounts,
    queryFn: async () => (await api<{ items: ChannelAccount[] }>('GET', '/channel-accounts')).items,
  });
}

/** Creates a rule (tried last), or changes one; the list is read again, since positions may move. */
export function useSaveRule() {
  const client = useQueryClient();
  return async (id: string | null, input: RuleInput) => {
    const rule = id
      ? await api<RoutingRule>('PATCH', `/routing-rules/${id}`, input)
      : await api<RoutingRule>('POST', '/routing-rules', input);
    await client.invalidateQueries({ queryKey: keys.routingRules });
    return rule;
  };
}

export function useDeleteRule() {
  const client = useQueryClient();
  return async (id: string) => {
    await api<void>('DELETE', `/routing-rules/${id}`);
    await client.invalidateQueries({ queryKey: keys.routingRules });
  };
}

/** Puts every rule in the given order. */
export function useReorderRules() {
  const client = useQueryClient();
  return async (ids: string[]) => {
    const { items } = await api<{ items: RoutingRule[] }>('PUT', '/routing-rules/order', { ids });
    client.setQueryData(keys.routingRules, items);
    return items;
  };
}
