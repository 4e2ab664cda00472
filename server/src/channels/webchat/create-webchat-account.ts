import type { Static } from 'typebox';
import type { Actor } from '../../auth/actor.js';
import { recordAudit } from '../../admin/record-audit.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/app-error.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { randomToken } from '../../lib/tokens.js';
import { findTenantChannelAccount, insertChannelAccount } from '../channel-accounts.repo.js';
import type { CreateWebchatBody } from '../channel-accounts.schema.js';

/**
 * Creates a web chat account: a widget with a public key of its own, which a website puts in its script tag. The
 * key is public by nature (it is in every page that embeds the chat), so it is random but not a secret.
 */
export async function createWebchatAccount(
  deps: { database: Database; secretBox: SecretBox },
  actor: Actor,
  input: Static<typeof CreateWebchatBody>,
) {
  if (input.name.trim() === '') throw new AppError('validation_failed', 'The name must not be empty');
  return deps.database.db.transaction(async (tx) => {
    const settings = {
      ...(input.greeting ? { greeting: input.greeting } : {}),
      ...(input.entryForm ? { entryForm: input.entryForm } : {}),
    };
    const { id } = await insertChannelAccount(tx, deps.secretBox, {
      tenantId: actor.tenantId,
      channel: 'webchat',
      name: input.name.trim(),
      externalId: `wc_${randomToken(18)}`,
      settings,
    });
    await recordAudit(
      tx,
      actor,
      'channel_account.connect',
      { type: 'channel_account', id },
      { channel: 'webchat' },
    );
    return (await findTenantChannelAccount(tx, actor.tenantId, id))!;
  });
}
