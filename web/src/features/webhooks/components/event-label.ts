import { useTranslation } from 'react-i18next';

/** An event type's name for people (`session.created` → "Session created"); an unknown type as it is. */
export function useEventLabel(): (eventType: string) => string {
  const { t } = useTranslation();
  // The dot would be read as a level of the translation file.
  return (eventType) => t(`webhooks.event.${eventType.replaceAll('.', '_')}`, { defaultValue: eventType });
}

/** Times in the delivery log to the second: retries are seconds apart. */
export function useDateTime(): (iso: string) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });
  return (iso) => format.format(new Date(iso));
}
