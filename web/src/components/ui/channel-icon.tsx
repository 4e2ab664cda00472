import { useTranslation } from 'react-i18next';

const marks: Record<string, string> = { webchat: 'W', whatsapp: 'WA', messenger: 'M' };

/** The channel as a small labelled badge (letters, so it renders without an emoji font). */
export function ChannelIcon({ channel }: { channel: string }) {
  const { t } = useTranslation();
  const label = t(`channel.${channel}`, { defaultValue: channel });
  return (
    <span className={`channel-icon ${channel}`} role="img" aria-label={label} title={label}>
      {marks[channel] ?? '?'}
    </span>
  );
}
