import type { Executor } from '../db/database.js';
import { findTenantSettings } from './tenants.repo.js';

export interface TenantSettings {
  wrapupRequired: boolean;
  endMessage: string | null;
  defaultGroupId: string | null;
  timezone: string;
  /** Ended sessions older than this many days are deleted with their messages and files; null keeps them. */
  retentionDays: number | null;
}

export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;

export const DEFAULT_END_MESSAGE = 'This conversation has ended. Thank you for contacting us.';

/** The tenant's settings with defaults filled in (for the session engine: wrap-up, end text, routing). */
export async function readTenantSettings(db: Executor, tenantId: string): Promise<TenantSettings> {
  return settingsFrom((await findTenantSettings(db, tenantId)) ?? {});
}

export function settingsFrom(stored: Record<string, unknown>): TenantSettings {
  return {
    wrapupRequired: stored.wrapupRequired === true,
    endMessage:
      stored.endMessage === undefined
        ? DEFAULT_END_MESSAGE
        : typeof stored.endMessage === 'string'
          ? stored.endMessage
          : null,
    defaultGroupId: typeof stored.defaultGroupId === 'string' ? stored.defaultGroupId : null,
    timezone: typeof stored.timezone === 'string' && isTimeZone(stored.timezone) ? stored.timezone : 'UTC',
    retentionDays: isRetentionDays(stored.retentionDays) ? stored.retentionDays : null,
  };
}

/** Whether the runtime knows this IANA time zone. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Whether this is an allowed retention period: a whole number of days from 1 to 3650. */
export function isRetentionDays(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= MIN_RETENTION_DAYS &&
    value <= MAX_RETENTION_DAYS
  );
}
