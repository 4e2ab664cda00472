import type { Static } from 'typebox';
import type { Actor } from '../../auth/actor.js';
import { recordAudit } from '../../admin/record-audit.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/app-error.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { findChannelAccountByExternalId, insertChannelAccount } from '../channel-accounts.repo.js';
import type { ConnectMessengerBody } from './messenger.schema.js';

/**
 * Connects a Facebook Page to the tenant: the page id is how webhooks find it, its name is the source operators
 * see, and the Page access token, app secret and verify token are sealed; none is ever returned.
 */
export async function connectMessengerAccount(
  deps: { database: Database; secretBox: SecretBox },
  actor: Actor,
  input: Static<typeof ConnectMessengerBody>,
) {
  return deps.database.db.transaction(async (tx) => {
    if (await findChannelAccountByExternalId(tx, 'messenger', input.pageId))
      throw AppError.alreadyExists('pageId', 'This Facebook Page is already connected');
    const settings = {
      warnBeforeMinutes: input.warnBeforeMinutes ?? 10,
      ...(input.inactivityMinutes ? { inactivityMinutes: input.inactivityMinutes } : {}),
    };
    const { id } = await insertChannelAccount(tx, deps.secretBox, {
      tenantId: actor.tenantId,
      channel: 'messenger',
      name: input.name,
      externalId: input.pageId,
      settings,
      credentials: {
        pageAccessToken: input.pageAccessToken,
        appSecret: input.appSecret,
        verifyToken: input.verifyToken,
      },
    });
    await recordAudit(
      tx,
      actor,
      'channel_account.connect',
      { type: 'channel_account', id },
      {
        channel: 'messenger',
        pageId: input.pageId,
      },
    );
    return { id, channel: 'messenger' as const, name: input.name, pageId: input.pageId, ...settings };
  });
}
