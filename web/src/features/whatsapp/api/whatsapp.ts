import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Session } from '../../../lib/types';

export interface WhatsAppNumber {
  id: string;
  name: string;
  displayPhoneNumber?: string | null;
}

export interface WhatsAppTemplate {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  components: Array<{ type?: string; format?: string; text?: string }>;
}

/** The tenant's WhatsApp numbers an operator may start a session from. */
export function useWhatsAppNumbers() {
  return useQuery({
    queryKey: ['whatsapp-numbers'],
    queryFn: async () =>
      (await api<{ items: WhatsAppNumber[] }>('GET', '/channel-accounts?channel=whatsapp')).items,
    retry: false,
  });
}

/** The number's approved templates. */
export function useWhatsAppTemplates(channelAccountId: string) {
  return useQuery({
    queryKey: ['whatsapp-templates', channelAccountId],
    queryFn: async () =>
      (
        await api<{ items: WhatsAppTemplate[] }>(
          'GET',
          `/channel-accounts/${channelAccountId}/whatsapp-templates`,
        )
      ).items,
    enabled: Boolean(channelAccountId),
  });
}

export function useContactChoices(q: string) {
  return useQuery({
    queryKey: ['whatsapp-contact-choices', q],
    queryFn: async () =>
      (
        await api<{ items: Array<{ id: string; name: string | null; phone: string | null }> }>(
          'GET',
          `/contacts?limit=8${q.trim() ? `&q=${encodeURIComponent(q.trim())}` : ''}`,
        )
      ).items,
    enabled: q.trim().length > 0,
  });
}

/** Opens a WhatsApp session with an approved template; the session stays locked until the customer replies. */
export function startWhatsAppSession(body: {
  channelAccountId: string;
  to: { phone?: string; contactId?: string };
  template: { name: string; language: string; parameters: string[] };
}) {
  return api<Session | { session: Session }>('POST', '/whatsapp/outbound-sessions', body);
}

/** The template's text with its `{{n}}` placeholders; the body first, then header and footer. */
export function templateText(template: WhatsAppTemplate): { header: string; body: string; footer: string } {
  const part = (type: string) =>
    template.components.find((c) => c.type?.toUpperCase() === type && (c.format ?? 'TEXT') === 'TEXT')
      ?.text ?? '';
  return { header: part('HEADER'), body: part('BODY'), footer: part('FOOTER') };
}

/** How many parameters the body asks for ({{1}} … {{n}}). */
export function parameterCount(text: string): number {
  return Math.max(0, ...[...text.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])));
}

export function fillTemplate(text: string, values: string[]): string {
  return text.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => values[Number(n) - 1] || whole);
}

/** E.164: a plus, a country code not starting with 0, 8 to 15 digits in all. */
export const E164 = /^\+[1-9]\d{7,14}$/;

/** Sends an approved template in a session whose 24-hour window has closed; the customer's answer reopens it. */
export function sendSessionTemplate(
  sessionId: string,
  body: { name: string; language: string; parameters: string[]; clientMessageId: string },
) {
  return api<unknown>('POST', `/sessions/${sessionId}/whatsapp-template`, body);
}
