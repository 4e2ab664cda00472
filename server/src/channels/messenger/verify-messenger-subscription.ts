import type { Database } from '../../db/database.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { safeEqual } from '../../lib/tokens.js';
import { credentialsOf } from '../whatsapp/credentials-of.js';
import { allPageAccounts } from './messenger.repo.js';

/**
 * Meta's subscription handshake: `hub.mode=subscribe` with a verify token that one of our Pages holds. One
 * callback URL serves every Page, so any Page's token will do. Answers the challenge to echo, or null.
 */
export async function verifyMessengerSubscription(
  deps: { database: Database; secretBox: SecretBox },
  query: { mode?: string | undefined; token?: string | undefined; challenge?: string | undefined },
): Promise<string | null> {
  if (query.mode !== 'subscribe' || !query.token || query.challenge === undefined) return null;
  const accounts = await allPageAccounts(deps.database.db);
  const matches = accounts.some((account) =>
    safeEqual(credentialsOf(deps.secretBox, account).verifyToken ?? '', query.token!),
  );
  return matches ? query.challenge : null;
}
