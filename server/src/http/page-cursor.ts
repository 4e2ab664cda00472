import { AppError } from '../http/app-error.js';

/** An opaque cursor: the sort key of the last row of a page, base64url-encoded JSON. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, shape: Array<'string' | 'uuid' | 'date'>): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const ok =
    Array.isArray(key) &&
    key.length === shape.length &&
    key.every((part, i) => {
      if (typeof part !== 'string') return false;
      if (shape[i] === 'uuid') return /^[0-9a-f-]{36}$/i.test(part);
      if (shape[i] === 'date') return !Number.isNaN(Date.parse(part));
      return true;
    });
  if (!ok) throw new AppError('validation_failed', 'The cursor is not one this API gave out');
  return key as string[];
}
