import { useTranslation } from 'react-i18next';
import { ShownOncePanel } from '../../../components/ui/shown-once-panel';

/** A signing secret just made (a new endpoint, or a rotation), shown this once. */
export function SecretPanel({
  url,
  secret,
  rotated,
  onDone,
}: {
  url: string;
  secret: string;
  rotated: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  return (
    <ShownOncePanel
      title={t(rotated ? 'webhooks.secretRotatedTitle' : 'webhooks.secretTitle', { url })}
      warning={t('webhooks.secretOnce')}
      use={t('webhooks.secretUse')}
      label={t('webhooks.secret')}
      value={secret}
      doneLabel={t('webhooks.secretDone')}
      onDone={onDone}
    />
  );
}
