/**
 * Parses a Meta webhook body. NUL, which JSON allows in strings and PostgreSQL refuses in text, becomes U+FFFD:
 * otherwise a message carrying it could never be stored, the webhook would fail, and Meta would deliver it again
 * for days. Undefined when the body is not JSON.
 */
export function parseWebhookBody(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'), (_key, value: unknown) =>
      typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value,
    );
  } catch {
    return undefined;
  }
}
