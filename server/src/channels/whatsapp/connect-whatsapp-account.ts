import type { Actor } from '../../auth/actor.js';
import { recordAudit } from '../../admin/record-audit.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/app-error.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { findChannelAccountByExternalId, insertChannelAccount } from '../channel-accounts.repo.js';

export interface ConnectWhatsAppInput {
  name: string;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber?: string | undefined;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
}

/**
 * Connects a WhatsApp number to the tenant: the phone_number_id is how webhooks find it, the WABA id is kept in
 * settings (templates), and the access token, app secret and verify token are sealed; none is ever returned.
 */
export async function connectWhatsAppAccount(
  deps: { database: Database; secretBox: SecretBox },
  actor: Actor,
  input: ConnectWhatsAppInput,
) {
  return deps.database.db.transaction(async (tx) => {
    if (await findChannelAccountByExternalId(tx, 'whatsapp', input.phoneNumberId))
      throw AppError.alreadyExists('phoneNumberId', 'This WhatsApp number is already connected');
    const settings = {
      wabaId: input.wabaId,
      ...(input.displayPhoneNumber ? { displayPhoneNumber: input.displayPhoneNumber } : {}),
    };
    const { id } = await insertChannelAccount(tx, deps.secretBox, {
      tenantId: actor.tenantId,
      channel: 'whatsapp',
      name: input.name,
      externalId: input.phoneNumberId,
      settings,
      credentials: {
        accessToken: input.accessToken,
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
        channel: 'whatsapp',
        phoneNumberId: input.phoneNumberId,
      },
    );
    return {
      id,
      channel: 'whatsapp' as const,
      name: input.name,
      phoneNumberId: input.phoneNumberId,
      ...settings,
    };
  });
}
