import type { Static } from 'typebox';
import type { SecretBox } from '../lib/secret-box.js';
import { openCredentials, type ChannelAccountRow } from './channel-accounts.repo.js';
import type { AdminChannelAccount } from './channel-accounts.schema.js';

/** The widget's entry form when the account does not say: name and question asked, e-mail not. */
export function entryFormOf(settings: Record<string, unknown>) {
  const form = (settings.entryForm ?? {}) as Record<string, unknown>;
  const flag = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
  return { name: flag(form.name, true), email: flag(form.email, false), question: flag(form.question, true) };
}

/** The tag a website adds to embed the web chat of this public key. */
export function widgetSnippet(publicUrl: string, key: string): string {
  return `<script src="${publicUrl}/widget.js" data-key="${key}" async></script>`;
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/**
 * An account as its administrator sees it: Meta's callback URL, the widget's tag, and the names of the credentials
 * it holds. Opening the credentials is only to list their names: no value leaves this function.
 */
export function adminViewOf(
  deps: { secretBox: SecretBox; publicUrl: string },
  row: ChannelAccountRow,
): Static<typeof AdminChannelAccount> {
  const isMeta = row.channel === 'whatsapp' || row.channel === 'messenger';
  return {
    id: row.id,
    channel: row.channel,
    name: row.name,
    enabled: row.enabled,
    externalId: row.externalId,
    displayPhoneNumber: text(row.settings.displayPhoneNumber),
    wabaId: text(row.settings.wabaId),
    credentialsSet: Object.keys(openCredentials(deps.secretBox, row)).sort(),
    webhookUrl: isMeta ? `${deps.publicUrl}/webhooks/${row.channel}` : null,
    widget:
      row.channel === 'webchat'
        ? {
            greeting: text(row.settings.greeting),
            entryForm: entryFormOf(row.settings),
            snippet: widgetSnippet(deps.publicUrl, row.externalId),
          }
        : null,
    createdAt: row.createdAt,
  };
}
