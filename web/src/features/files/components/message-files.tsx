import { useTranslation } from 'react-i18next';
import { attachmentsOf, type Message } from '../../../lib/types';
import { FileById } from './file-card';

/** The files of one message, several side by side; a file still on its way shows as loading. */
export function MessageFiles({ message }: { message: Message }) {
  const { t } = useTranslation();
  const attachments = attachmentsOf(message);
  if (attachments.length === 0) return null;
  const sticker = message.metadata.type === 'sticker';
  return (
    <ul className="message-files" aria-label={t('files.ofMessage')}>
      {attachments.map((a, index) => (
        <li key={a.fileId ?? `pending-${index}`}>
          {a.status === 'blocked' ? (
            <div className="file blocked" data-testid="file-blocked">
              {t('files.blocked', { name: a.name ?? '?', type: a.contentType ?? a.declaredType ?? '?' })}
            </div>
          ) : a.fileId ? (
            <FileById id={a.fileId} sticker={sticker} />
          ) : a.error ? (
            <div className="file failed">{t('files.failed', { name: a.name ?? '', reason: a.error })}</div>
          ) : (
            <div className="file pending" role="status" data-testid="file-pending">
              {t('files.fetching', { name: a.name ?? '' })}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
