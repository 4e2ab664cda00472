import type { SecretBox } from '../../lib/secret-box.js';
import { credentialsOf } from '../whatsapp/credentials-of.js';
import { verifySignature } from '../whatsapp/verify-signature.js';
import { cachedAccounts } from './account-cache.js';
import { parseWebhookBody } from './parse-webhook-body.js';

/**
 * The first steps of every Meta webhook POST: the body is parsed, and the signature is checked on the raw bytes
 * against the app secret of every account the body names (read at most every two seconds, `account-cache.ts`),
 * or of every account of the channel when it names none we know. 401 when no account's secret signed it, 400 when the signed body is not a JSON object.
 */
export async function openSignedWebhook<A extends { credentialsEncrypted: string | null }>(
  secretBox: SecretBox,
  input: { rawBody: Buffer; signature: string | undefined },
  accounts: {
    /** Database whose accounts these are (the cache is kept per database). */
    db: object;
    /** `whatsapp` or `messenger`: keeps the two channels' ids apart in the cache. */
    channel: string;
    /** The account ids (phone number ids, Page ids) the body names. */
    idsOf(body: unknown): string[];
    named(ids: string[]): Promise<A[]>;
    all(): Promise<A[]>;
  },
): Promise<{ status: 401 | 400 } | { body: Record<string, unknown>; signedBy: A[] }> {
  const body = parseWebhookBody(input.rawBody);
  const ids = accounts.idsOf(body).sort();
  let candidates = await cachedAccounts(accounts.db, `${accounts.channel}:${ids.join(',')}`, () =>
    accounts.named(ids),
  );
  if (candidates.length === 0) candidates = await accounts.all();
  const signedBy = candidates.filter((account) =>
    verifySignature(input.rawBody, input.signature, credentialsOf(secretBox, account).appSecret ?? ''),
  );
  if (signedBy.length === 0) return { status: 401 };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400 };
  return { body: body as Record<string, unknown>, signedBy };
}
