import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>` against the HMAC-SHA256 of the exact bytes received, keyed with the
 * app secret, in constant time. A re-serialised body would never match (Meta escapes non-ASCII as \uXXXX).
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  const match = header?.match(/^sha256=([0-9a-fA-F]{64})$/);
  if (!match || !appSecret) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}
