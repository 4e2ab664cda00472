import type { RuleMatch } from './routing-rules.schema.js';

export interface RoutingInput {
  channel: string;
  channelAccountId: string;
  at: Date;
  language?: string | undefined;
}

/**
 * Whether a rule's conditions hold for a new session. Every condition given must hold; a rule without any
 * matches everything (a catch-all). A time window whose `to` is earlier than its `from` runs past midnight, and
 * its days are the days it starts on.
 */
export function ruleMatches(match: RuleMatch, input: RoutingInput, tenantTimeZone: string): boolean {
  if (match.channels && !match.channels.includes(input.channel as never)) return false;
  if (match.channelAccountIds && !match.channelAccountIds.includes(input.channelAccountId)) return false;
  if (match.languages) {
    const language = input.language?.toLowerCase();
    if (!language) return false;
    const ok = match.languages.some((wanted) => {
      const w = wanted.toLowerCase();
      return language === w || language.startsWith(`${w}-`);
    });
    if (!ok) return false;
  }
  if (match.time) {
    const { day, minutes } = localTime(input.at, match.time.timeZone ?? tenantTimeZone);
    const from = toMinutes(match.time.from);
    const to = toMinutes(match.time.to);
    const days = match.time.days;
    if (from <= to) return days.includes(day) && minutes >= from && minutes < to;
    // Past midnight: the evening part on a listed day, or the early part of the day after one.
    const previousDay = day === 1 ? 7 : day - 1;
    return (days.includes(day) && minutes >= from) || (days.includes(previousDay) && minutes < to);
  }
  return true;
}

const toMinutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The ISO weekday and minutes since midnight of an instant in a time zone. */
export function localTime(at: Date, timeZone: string): { day: number; minutes: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
  } catch {
    return localTime(at, 'UTC');
  }
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAYS[part('weekday')] ?? 1, minutes: Number(part('hour')) * 60 + Number(part('minute')) };
}
