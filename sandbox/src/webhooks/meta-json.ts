import { createHmac } from 'node:crypto';

/**
 * Serialises a payload the way Meta does: non-ASCII escaped as `\uXXXX` (lowercase hex, UTF-16 units) and `/`
 * escaped as `\/`. A receiver that re-serialises the parsed body before checking the signature gets other bytes.
 */
export function toMetaJson(payload: unknown): string {
  return JSON.stringify(payload)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** The signature headers Meta sends with every webhook POST, computed on the exact bytes of the body. */
export function signatureHeaders(body: string, appSecret: string): Record<string, string> {
  const bytes = Buffer.from(body, 'utf8');
  return {
    'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(bytes).digest('hex')}`,
    'x-hub-signature': `sha1=${createHmac('sha1', appSecret).update(bytes).digest('hex')}`,
  };
}
