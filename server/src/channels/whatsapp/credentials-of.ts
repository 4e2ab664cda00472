import type { SecretBox } from '../../lib/secret-box.js';
import { openCredentials } from '../channel-accounts.repo.js';

/** A number's credentials, or none when they cannot be opened (sealed with another key): it then matches nothing. */
export function credentialsOf(
  box: SecretBox,
  account: { credentialsEncrypted: string | null },
): Readonly<Record<string, string | undefined>> {
  try {
    return openCredentials(box, account);
  } catch {
    // Not remembered: a key rotation in progress must not pin the failure.
    return {};
  }
}
