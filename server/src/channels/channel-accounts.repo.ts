import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { channelAccounts } from '../db/schema.js';
import type { SecretBox } from '../lib/secret-box.js';

export type Channel = 'webchat' | 'whatsapp' | 'messenger';

export interface NewChannelAccount {
  tenantId: string;
  channel: Channel;
  name: string;
  externalId: string;
  settings?: Record<string, unknown>;
  /** Tokens and secrets; stored sealed, never in clear. */
  credentials?: Record<string, string>;
}

export async function insertChannelAccount(db: Executor, box: SecretBox, account: NewChannelAccount) {
  const [row] = await db
    .insert(channelAccounts)
    .values({
      tenantId: account.tenantId,
      channel: account.channel,
      name: account.name,
      externalId: account.externalId,
      settings: account.settings ?? {},
      credentialsEncrypted: account.credentials ? box.seal(JSON.stringify(account.credentials)) : null,
    })
    .returning({ id: channelAccounts.id });
  return row!;
}

export async function findChannelAccountByExternalId(db: Executor, channel: Channel, externalId: string) {
  const [row] = await db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, channel), eq(channelAccounts.externalId, externalId)));
  return row;
}

/** Opened credentials remembered per box; beyond this many the memory starts over. */
const MAX_OPENED = 1_000;
const openedByBox = new WeakMap<SecretBox, Map<string, Readonly<Record<string, string>>>>();

/**
 * An account's credentials, decrypted. Every send needs its account's token, and every webhook the app secret of
 * each candidate account: the opened form is remembered by its sealed text, so neither decrypts and parses it again.
 * Keyed by the sealed text itself, an entry can never be stale: reconnecting an account (new secrets) seals a new
 * text, which misses. A text that cannot be opened throws and is not remembered.
 */
export function openCredentials(
  box: SecretBox,
  account: { credentialsEncrypted: string | null },
): Readonly<Record<string, string>> {
  const sealed = account.credentialsEncrypted;
  if (!sealed) return {};
  let opened = openedByBox.get(box);
  if (!opened) openedByBox.set(box, (opened = new Map()));
  const known = opened.get(sealed);
  if (known) return known;
  if (opened.size >= MAX_OPENED) opened.clear();
  const credentials = Object.freeze(JSON.parse(box.open(sealed)) as Record<string, string>);
  opened.set(sealed, credentials);
  return credentials;
}
