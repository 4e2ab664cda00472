import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import type { Group } from '../api/groups';
import {
  channels,
  type Channel,
  type ChannelAccount,
  type RoutingRule,
  type RuleInput,
  type RuleMatch,
} from '../api/routing-rules';
import { useDayNames } from './rule-text';

const weekdays = [1, 2, 3, 4, 5, 6, 7];

/** Comma- or space-separated language tags, each once, as typed ("cs, en-GB"). */
function parseLanguages(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/**
 * A rule's conditions and target group. A condition left empty matches anything; the server checks the values
 * (times, language tags, that accounts and group are the tenant's) and its refusal is shown.
 */
export function RuleForm({
  rule,
  groups,
  accounts,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  rule?: RoutingRule;
  groups: Group[];
  accounts: ChannelAccount[];
  submitLabel: string;
  onSubmit: (input: RuleInput) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const dayName = useDayNames();
  const match = rule?.match ?? {};
  const [chosenChannels, setChannels] = useState<Channel[]>(match.channels ?? []);
  const [accountIds, setAccountIds] = useState<string[]>(match.channelAccountIds ?? []);
  const [timed, setTimed] = useState(Boolean(match.time));
  const [days, setDays] = useState<number[]>(match.time?.days ?? [1, 2, 3, 4, 5]);
  const [from, setFrom] = useState(match.time?.from ?? '08:00');
  const [to, setTo] = useState(match.time?.to ?? '17:00');
  const [languages, setLanguages] = useState((match.languages ?? []).join(', '));
  const [groupId, setGroupId] = useState(rule?.groupId ?? groups[0]?.id ?? '');
  const submission = useMutation({ mutationFn: onSubmit });

  const toggle = <T,>(list: T[], value: T, on: boolean) =>
    on ? [...list.filter((v) => v !== value), value] : list.filter((v) => v !== value);

  function submit(e: FormEvent) {
    e.preventDefault();
    const next: RuleMatch = {};
    if (chosenChannels.length) next.channels = channels.filter((c) => chosenChannels.includes(c));
    if (accountIds.length) next.channelAccountIds = accountIds;
    if (timed)
      next.time = {
        days: [...days].sort((a, b) => a - b),
        from,
        to,
        ...(match.time?.timeZone ? { timeZone: match.time.timeZone } : {}),
      };
    const tags = parseLanguages(languages);
    if (tags.length) next.languages = tags;
    submission.mutate({ match: next, groupId });
  }

  return (
    <form className="routing-form" onSubmit={submit} noValidate>
      <p className="muted routing-explain">{t('adminRouting.rules.formHelp')}</p>
      <fieldset>
        <legend>{t('adminRouting.rules.channels')}</legend>
        <div className="routing-options">
          {channels.map((channel) => (
            <label key={channel} className="routing-choice">
              <input
                type="checkbox"
                checked={chosenChannels.includes(channel)}
                onChange={(e) => setChannels(toggle(chosenChannels, channel, e.target.checked))}
              />
              {t(`channel.${channel}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('adminRouting.rules.accounts')}</legend>
        {accounts.length === 0 && <p className="muted">{t('adminRouting.rules.noAccounts')}</p>}
        <div className="routing-options">
          {accounts.map((account) => (
            <label key={account.id} className="routing-choice">
              <input
                type="checkbox"
                checked={accountIds.includes(account.id)}
                onChange={(e) => setAccountIds(toggle(accountIds, account.id, e.target.checked))}
              />
              <span>
                {account.name} <span className="muted">({t(`channel.${account.channel}`)})</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('adminRouting.rules.time')}</legend>
        <label className="routing-choice">
          <input type="checkbox" checked={timed} onChange={(e) => setTimed(e.target.checked)} />
          {t('adminRouting.rules.onlyAt')}
        </label>
        {timed && (
          <>
            <div className="routing-options" role="group" aria-label={t('adminRouting.rules.days')}>
              {weekdays.map((day) => (
                <label key={day} className="routing-choice">
                  <input
                    type="checkbox"
                    checked={days.includes(day)}
                    onChange={(e) => setDays(toggle(days, day, e.target.checked))}
                  />
                  {dayName(day)}
                </label>
              ))}
            </div>
            <div className="routing-options">
              <label className="routing-inline">
                {t('adminRouting.rules.from')}
                <input type="time" value={from} onChange={(e) => setFrom(e.target.value)} />
              </label>
              <label className="routing-inline">
                {t('adminRouting.rules.to')}
                <input type="time" value={to} onChange={(e) => setTo(e.target.value)} />
              </label>
            </div>
            <p className="muted routing-explain">{t('adminRouting.rules.timeHelp')}</p>
          </>
        )}
      </fieldset>
      <label>
        {t('adminRouting.rules.languages')}
        <input value={languages} onChange={(e) => setLanguages(e.target.value)} placeholder="cs, en" />
        <span className="muted routing-explain">{t('adminRouting.rules.languagesHelp')}</span>
      </label>
      <label>
        {t('adminRouting.rules.target')}
        <select value={groupId} onChange={(e) => setGroupId(e.target.value)}>
          {groups.map((group) => (
            <option key={group.id} value={group.id}>
              {group.name}
            </option>
          ))}
        </select>
      </label>
      <ErrorText error={submission.error} detail />
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" disabled={submission.isPending || !groupId}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
