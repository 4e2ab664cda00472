import { createHmac, hkdfSync } from 'node:crypto';
import { safeEqual } from '../lib/tokens.js';

export interface SignedUrlDeps {
  config: { publicUrl: string; secretKey: Buffer };
  now: () => Date;
}

/** A key used only for file links, derived from the configured secret so that one secret serves all. */
function linkKey(secretKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'switchboard file links v1', 32));
}

/**
 * A link that lets whoever holds it download one file until it expires, without signing in: for Meta to fetch
 * an attachment sent by link, and for the web chat widget. The token is `<fileId>.<expiry>.<HMAC>`.
 */
export function createSignedFileUrl(deps: SignedUrlDeps, fileId: string, ttlSeconds: number): string {
  const expires = Math.floor(deps.now().getTime() / 1000) + Math.max(1, Math.floor(ttlSeconds));
  const payload = `${fileId}.${expires.toString(36)}`;
  const signature = createHmac('sha256', linkKey(deps.config.secretKey)).update(payload).digest('base64url');
  return `${deps.config.publicUrl}/files/signed/${payload}.${signature}`;
}

export type SignedTokenCheck =
  { ok: true; fileId: string; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

/** Checks a token's signature first, then its expiry. */
export function verifySignedFileToken(deps: SignedUrlDeps, token: string): SignedTokenCheck {
  const match = /^([0-9a-f-]{36})\.([0-9a-z]{1,12})\.([\w-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'invalid' };
  const [, fileId, expiresRaw, signature] = match;
  const expected = createHmac('sha256', linkKey(deps.config.secretKey))
    .update(`${fileId}.${expiresRaw}`)
    .digest('base64url');
  if (!safeEqual(signature!, expected)) return { ok: false, reason: 'invalid' };
  const expiresAt = new Date(parseInt(expiresRaw!, 36) * 1000);
  if (expiresAt.getTime() <= deps.now().getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, fileId: fileId!, expiresAt };
}
