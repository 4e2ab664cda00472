import type { SecretBox } from '../../lib/secret-box.js';
import { openCredentials } from '../channel-accounts.repo.js';

/**
 * Opened credentials by their sealed text. Every webhook checks its signature against the app secret of each
 * candidate number; opening them each time costs a decryption per number per delivery. Keyed by the sealed text
 * itself, an entry can never be stale: reconnecting a number (new secrets) seals a new text, which misses.
 */
const openedBy = new WeakMap<SecretBox, Map<string, Readonly<Record<string, string | undefined>>>>();
const MAX_ENTRIES = 1_000;

/** A number's credentials, or none when they cannot be opened (sealed with another key): it then matches nothing. */
export function credentialsOf(
  box: SecretBox,
  account: { credentialsEncrypted: string | null },
): Record<string, string | undefined> {
  const sealed = account.credentialsEncrypted;
  if (!sealed) return {};
  let opened = openedBy.get(box);
  if (!opened) openedBy.set(box, (opened = new Map()));
  const cached = opened.get(sealed);
  if (cached) return cached;
  let credentials: Record<string, string | undefined>;
  try {
    credentials = openCredentials(box, account);
  } catch {
    // Not cached: a key rotation in progress must not pin the failure.
    return {};
  }
  if (opened.size >= MAX_ENTRIES) opened.clear();
  opened.set(sealed, Object.freeze(credentials));
  return credentials;
}
