import { useTranslation } from 'react-i18next';
import type { ChannelAccount, RoutingRule, TimeWindow } from '../api/routing-rules';

/** ISO weekdays (1 = Monday … 7 = Sunday) as the language shortens them. */
export function useDayNames(): (day: number) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, { weekday: 'short', timeZone: 'UTC' });
  // 2024-01-01 was a Monday.
  return (day) => format.format(new Date(Date.UTC(2024, 0, day)));
}

/** Days as runs: [1,2,3,4,5,7] → "Mon–Fri, Sun". */
export function daysText(days: number[], name: (day: number) => string): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const day of sorted) {
    const last = runs[runs.length - 1];
    if (last && day === last[1] + 1) last[1] = day;
    else runs.push([day, day]);
  }
  return runs
    .map(([from, to]) =>
      from === to ? name(from) : to === from + 1 ? `${name(from)}, ${name(to)}` : `${name(from)}–${name(to)}`,
    )
    .join(', ');
}

function timeText(time: TimeWindow, name: (day: number) => string): string {
  const zone = time.timeZone ? ` (${time.timeZone})` : '';
  return `${daysText(time.days, name)} ${time.from}–${time.to}${zone}`;
}

/**
 * A rule's conditions as one line, e.g. "WhatsApp · Mon–Fri 08:00–17:00 · cs": the parts it has, in a fixed
 * order; a rule without conditions reads as matching every session.
 */
export function useRuleConditions(accounts: ChannelAccount[] | undefined): (rule: RoutingRule) => string {
  const { t } = useTranslation();
  const dayName = useDayNames();
  return ({ match }) => {
    const parts: string[] = [];
    if (match.channels?.length) parts.push(match.channels.map((c) => t(`channel.${c}`)).join(', '));
    if (match.channelAccountIds?.length)
      parts.push(
        match.channelAccountIds
          .map((id) => accounts?.find((a) => a.id === id)?.name ?? t('adminRouting.rules.unknownAccount'))
          .join(', '),
      );
    if (match.time) parts.push(timeText(match.time, dayName));
    if (match.languages?.length) parts.push(match.languages.join(', '));
    return parts.length ? parts.join(' · ') : t('adminRouting.rules.everySession');
  };
}
