import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

export type Channel = 'whatsapp' | 'messenger' | 'webchat';

export interface EntryForm {
  name: boolean;
  email: boolean;
  question: boolean;
}

/** An account as its administrator sees it; the server never sends a credential, only which are stored. */
export interface AdminChannelAccount {
  id: string;
  channel: Channel;
  name: string;
  enabled: boolean;
  /** The phone_number_id, the page id, or the widget's public key. */
  externalId: string;
  displayPhoneNumber: string | null;
  wabaId: string | null;
  credentialsSet: string[];
  webhookUrl: string | null;
  widget: { greeting: string | null; entryForm: EntryForm; snippet: string } | null;
  createdAt: string;
}

export interface WhatsAppInput {
  name: string;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber?: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

export interface MessengerInput {
  name: string;
  pageId: string;
  pageAccessToken: string;
  appSecret: string;
  verifyToken: string;
}

export interface WebchatInput {
  name: string;
  greeting?: string;
  entryForm: EntryForm;
}

/** A change to an account: what is left out stays (an empty credential field is left out). */
export interface AccountPatch {
  name?: string;
  enabled?: boolean;
  accessToken?: string;
  pageAccessToken?: string;
  appSecret?: string;
  verifyToken?: string;
  greeting?: string | null;
  entryForm?: EntryForm;
}

export interface TemplateRow {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  syncedAt: string;
}

export function useAdminChannelAccounts() {
  return useQuery({
    queryKey: keys.adminChannelAccounts,
    queryFn: async () =>
      (await api<{ items: AdminChannelAccount[] }>('GET', '/admin/channel-accounts')).items,
  });
}

/**
 * After any change the lists elsewhere (numbers to write from, filters, routing) are read again too: they show
 * names and which accounts are enabled.
 */
function useRefresh() {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: keys.channelAccounts });
    void client.invalidateQueries({ queryKey: ['whatsapp-numbers'] });
  };
}

export function useConnectWhatsApp() {
  const refresh = useRefresh();
  return async (input: WhatsAppInput) => {
    const created = await api<{ id: string }>('POST', '/channel-accounts/whatsapp', input);
    refresh();
    return created;
  };
}

export function useConnectMessenger() {
  const refresh = useRefresh();
  return async (input: MessengerInput) => {
    const created = await api<{ id: string }>('POST', '/channel-accounts/messenger', input);
    refresh();
    return created;
  };
}

export function useCreateWebchat() {
  const refresh = useRefresh();
  return async (input: WebchatInput) => {
    const created = await api<AdminChannelAccount>('POST', '/channel-accounts/webchat', input);
    refresh();
    return created;
  };
}

export function useUpdateChannelAccount() {
  const client = useQueryClient();
  const refresh = useRefresh();
  return async (id: string, patch: AccountPatch) => {
    const updated = await api<AdminChannelAccount>('PATCH', `/channel-accounts/${id}`, patch);
    client.setQueryData<AdminChannelAccount[]>(keys.adminChannelAccounts, (list) =>
      list?.map((a) => (a.id === id ? updated : a)),
    );
    refresh();
    return updated;
  };
}

/** Every template of the number, whatever its status (only approved ones can be sent). */
export function useAllWhatsAppTemplates(channelAccountId: string) {
  return useQuery({
    queryKey: keys.allWhatsAppTemplates(channelAccountId),
    queryFn: async () =>
      (
        await api<{ items: TemplateRow[] }>(
          'GET',
          `/channel-accounts/${channelAccountId}/whatsapp-templates?all=true`,
        )
      ).items,
  });
}

/** Reads the number's templates from its WhatsApp Business Account now; every list of them is read again. */
export function useSyncTemplates() {
  const client = useQueryClient();
  return async (channelAccountId: string) => {
    const result = await api<{ synced: number }>(
      'POST',
      `/channel-accounts/${channelAccountId}/whatsapp-templates/sync`,
    );
    await client.invalidateQueries({ queryKey: ['whatsapp-templates', channelAccountId] });
    return result;
  };
}
