import type { SecretBox } from '../../lib/secret-box.js';
import { safeEqual } from '../../lib/tokens.js';
import type { Database } from '../../db/database.js';
import { credentialsOf } from './credentials-of.js';
import { allWhatsAppAccounts } from './whatsapp.repo.js';

/**
 * Meta's subscription handshake: `hub.mode=subscribe` with a verify token that one of our numbers holds. One
 * callback URL serves every number, so any number's token will do. Answers the challenge to echo, or null.
 */
export async function verifySubscription(
  deps: { database: Database; secretBox: SecretBox },
  query: { mode?: string | undefined; token?: string | undefined; challenge?: string | undefined },
): Promise<string | null> {
  if (query.mode !== 'subscribe' || !query.token || query.challenge === undefined) return null;
  const accounts = await allWhatsAppAccounts(deps.database.db);
  const matches = accounts.some((account) =>
    safeEqual(credentialsOf(deps.secretBox, account).verifyToken ?? '', query.token!),
  );
  return matches ? query.challenge : null;
}
