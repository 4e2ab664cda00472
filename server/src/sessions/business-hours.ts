import type { Executor } from '../db/database.js';
import { localTime } from '../routing-rules/rule-matches.js';
import { settingsFrom } from '../tenants/read-tenant-settings.js';
import { sessionSettings } from './session-settings.js';

/**
 * A group's business hours: weekly windows in a time zone (the tenant's unless given). Days are ISO weekdays, 1 (Monday) to 7 (Sunday);
 * `from`/`to` are HH:MM. No hours set means always open.
 */
export interface BusinessHours {
  timezone?: string;
  weekly: Array<{ days: number[]; from: string; to: string }>;
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export function isOpen(hours: BusinessHours | null | undefined, at: Date, fallbackTimeZone: string): boolean {
  if (!hours || !Array.isArray(hours.weekly) || hours.weekly.length === 0) return true;
  const { day, minutes } = localTime(at, hours.timezone ?? fallbackTimeZone);
  return hours.weekly.some(
    (w) => w.days.includes(day) && minutes >= minutesOf(w.from) && minutes < minutesOf(w.to),
  );
}

export async function checkBusinessHours(
  tx: Executor,
  tenantId: string,
  groupId: string,
  at: Date,
): Promise<{ open: boolean; message?: string }> {
  const tenant = await sessionSettings(tx, tenantId);
  const group = tenant?.groups[groupId];
  if (!tenant || !group) return { open: true };
  const { timezone } = settingsFrom(tenant.settings);
  const open = isOpen(group.businessHours as BusinessHours | null, at, timezone);
  return open ? { open } : { open, ...(group.offlineMessage ? { message: group.offlineMessage } : {}) };
}
