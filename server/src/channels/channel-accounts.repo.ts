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

export function openCredentials(
  box: SecretBox,
  account: { credentialsEncrypted: string | null },
): Record<string, string> {
  return account.credentialsEncrypted
    ? (JSON.parse(box.open(account.credentialsEncrypted)) as Record<string, string>)
    : {};
}
