import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../http/app-error.js';

/** The shortest password a user may be given (by an invitation or an administrator's reset). */
export const MIN_PASSWORD_LENGTH = 10;

/** Refuses a password too short to keep, with a message that says the rule (the schema's would not). */
export function checkPasswordRule(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    throw new AppError(
      'validation_failed',
      `The password must be at least ${MIN_PASSWORD_LENGTH} characters long`,
    );
}

/** argon2id with the library's defaults (~50 ms a hash on this class of machine). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a password nobody has, so an unknown e-mail costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash('switchboard-no-such-user');
  return dummyHash;
}
