import type { Static } from 'typebox';
import type { Actor } from '../auth/actor.js';
import { recordAudit } from '../admin/record-audit.js';
import type { Database } from '../db/database.js';
import { AppError } from '../http/app-error.js';
import type { SecretBox } from '../lib/secret-box.js';
import { findTenantChannelAccount, openCredentials, updateChannelAccount } from './channel-accounts.repo.js';
import type { UpdateChannelAccountBody } from './channel-accounts.schema.js';
import { forgetCachedAccounts } from './meta/account-cache.js';

type Patch = Static<typeof UpdateChannelAccountBody>;

/** The credentials each channel holds: what a change may replace. */
const CREDENTIALS = {
  whatsapp: ['accessToken', 'appSecret', 'verifyToken'],
  messenger: ['pageAccessToken', 'appSecret', 'verifyToken'],
  webchat: [],
} as const satisfies Record<string, readonly string[]>;
const ALL_CREDENTIALS = ['accessToken', 'pageAccessToken', 'appSecret', 'verifyToken'] as const;
const WIDGET_SETTINGS = ['greeting', 'entryForm'] as const;

/**
 * Renames an account, switches it on or off, replaces some of its credentials (the others are kept) or changes
 * the widget's settings. A disabled number's or Page's webhooks are acknowledged and dropped, and a disabled widget
 * refuses its visitors. New credentials are sealed; the audit entry names what changed, never a value. This
 * process reads the accounts webhooks name afresh at once; other processes within two seconds.
 */
export async function updateChannelAccountSettings(
  deps: { database: Database; secretBox: SecretBox },
  actor: Actor,
  id: string,
  patch: Patch,
) {
  const updated = await deps.database.db.transaction(async (tx) => {
    const account = await findTenantChannelAccount(tx, actor.tenantId, id, true);
    if (!account) throw AppError.notFound('Channel account');
    const allowed: readonly string[] = CREDENTIALS[account.channel];
    const given = ALL_CREDENTIALS.filter((key) => patch[key] !== undefined);
    const foreign = given.filter((key) => !allowed.includes(key));
    if (foreign.length > 0)
      throw new AppError(
        'validation_failed',
        account.channel === 'webchat'
          ? 'A web chat account has no credentials'
          : `A ${account.channel === 'whatsapp' ? 'WhatsApp number' : 'Facebook Page'} has no ${foreign.join(', ')}`,
      );
    if (account.channel !== 'webchat' && WIDGET_SETTINGS.some((key) => patch[key] !== undefined))
      throw new AppError('validation_failed', 'Only a web chat account has a greeting and an entry form');

    const changes: Parameters<typeof updateChannelAccount>[2] = {};
    const changed: string[] = [];
    if (patch.name !== undefined && patch.name.trim() === '')
      throw new AppError('validation_failed', 'The name must not be empty');
    if (patch.name !== undefined && patch.name.trim() !== account.name) {
      changes.name = patch.name.trim();
      changed.push('name');
    }
    if (patch.enabled !== undefined && patch.enabled !== account.enabled) {
      changes.enabled = patch.enabled;
      changed.push('enabled');
    }
    if (given.length > 0) {
      const credentials = { ...openCredentials(deps.secretBox, account) };
      for (const key of given) credentials[key] = patch[key]!;
      changes.credentialsEncrypted = deps.secretBox.seal(JSON.stringify(credentials));
      changed.push(...given);
    }
    if (WIDGET_SETTINGS.some((key) => patch[key] !== undefined)) {
      const settings = { ...account.settings };
      if (patch.greeting === null) delete settings.greeting;
      else if (patch.greeting !== undefined) settings.greeting = patch.greeting;
      if (patch.entryForm) settings.entryForm = patch.entryForm;
      changes.settings = settings;
      changed.push(...WIDGET_SETTINGS.filter((key) => patch[key] !== undefined));
    }
    if (changed.length === 0) return account;
    const updated = await updateChannelAccount(tx, account.id, changes);
    await recordAudit(
      tx,
      actor,
      'channel_account.update',
      { type: 'channel_account', id: account.id },
      {
        channel: account.channel,
        changed,
        ...(changes.enabled !== undefined && { enabled: changes.enabled }),
      },
    );
    return updated;
  });
  forgetCachedAccounts(deps.database.db);
  return updated;
}
