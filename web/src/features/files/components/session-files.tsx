import { useTranslation } from 'react-i18next';
import { useSessionFiles } from '../api/files';
import { FileCard } from './file-card';

/** Session Files: every file of the session, readable after it ended. */
export function SessionFiles({ sessionId }: { sessionId: string }) {
  const { t } = useTranslation();
  const files = useSessionFiles(sessionId);
  return (
    <section className="session-files" aria-label={t('files.sessionFiles')}>
      <h3>{t('files.sessionFiles')}</h3>
      {files.data?.length === 0 && <p className="muted">{t('files.none')}</p>}
      <ul className="message-files">
        {files.data?.map((file) => (
          <li key={file.id}>
            <FileCard file={file} />
          </li>
        ))}
      </ul>
    </section>
  );
}
