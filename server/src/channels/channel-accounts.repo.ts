import { and, asc, eq, type SQL } from 'drizzle-orm';
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

export type ChannelAccountRow = typeof channelAccounts.$inferSelect;

/** The tenant's accounts, of one channel or all, by channel then name. */
export async function listChannelAccounts(db: Executor, tenantId: string, channel?: Channel) {
  const conditions: SQL[] = [eq(channelAccounts.tenantId, tenantId)];
  if (channel) conditions.push(eq(channelAccounts.channel, channel));
  return db
    .select()
    .from(channelAccounts)
    .where(and(...conditions))
    .orderBy(asc(channelAccounts.channel), asc(channelAccounts.name));
}

/** The tenant's account with this id; another tenant's is not found. */
export async function findTenantChannelAccount(db: Executor, tenantId: string, id: string, lock = false) {
  const query = db
    .select()
    .from(channelAccounts)
    .where(and(eq(channelAccounts.tenantId, tenantId), eq(channelAccounts.id, id)));
  const [row] = await (lock ? query.for('update') : query);
  return row;
}

export async function updateChannelAccount(
  db: Executor,
  id: string,
  patch: Partial<Pick<ChannelAccountRow, 'name' | 'enabled' | 'settings' | 'credentialsEncrypted'>>,
) {
  const [row] = await db.update(channelAccounts).set(patch).where(eq(channelAccounts.id, id)).returning();
  return row!;
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
