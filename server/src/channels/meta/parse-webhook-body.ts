/**
 * Parses a Meta webhook body. NUL, which JSON allows in strings and PostgreSQL refuses in text, becomes U+FFFD:
 * otherwise a message carrying it could never be stored, the webhook would fail, and Meta would deliver it again
 * for days. Undefined when the body is not JSON.
 */
export function parseWebhookBody(rawBody: Buffer): unknown {
  try {
    const text = rawBody.toString('utf8');
    // JSON can carry NUL only escaped; without the escape, no string holds one, and the parse needs no reviver
    // (which would visit every value: 1.6 % of the embedded node's time under load).
    if (!text.includes('\\u0000')) return JSON.parse(text);
    return JSON.parse(text, (_key, value: unknown) =>
      typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value,
    );
  } catch {
    return undefined;
  }
}
