import { randomBytes, randomInt } from 'node:crypto';

/** A WhatsApp message id in Meta's shape: `wamid.` followed by base64 of an opaque value. */
export function newWamid(recipient: string): string {
  const digits = recipient.replace(/\D/g, '').slice(0, 15) || '0';
  const inner = Buffer.concat([
    Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18]),
    Buffer.from(`${digits.length.toString(16)}${digits}`),
    randomBytes(18),
  ]);
  return `wamid.${inner.toString('base64')}`;
}

/** A Messenger message id (`m_…`). */
export function newMid(): string {
  return `m_${randomBytes(30).toString('base64url')}`;
}

/** A numeric Graph object id such as media ids and attachment ids. */
export function newNumericId(): string {
  return `${randomInt(1, 10)}${Array.from({ length: 15 }, () => randomInt(0, 10)).join('')}`;
}

/** Meta's `fbtrace_id`: an opaque support reference. */
export function newFbtraceId(): string {
  return randomBytes(9).toString('base64url');
}

/** A random numeric hub challenge. */
export function newChallenge(): string {
  return String(randomInt(100_000_000, 2_000_000_000));
}
