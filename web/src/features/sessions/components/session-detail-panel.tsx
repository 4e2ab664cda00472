import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ChannelIcon } from '../../../components/ui/channel-icon';
import { ErrorText, useErrorText } from '../../../components/ui/error-text';
import { api } from '../../../lib/api';
import { useSlots } from '../../../lib/slots';
import type { Message } from '../../../lib/types';
import { useTags, type SessionDetail } from '../api/sessions';
import { resumeSession, useAllWrapupReasons } from '../api/session-table';
import { Timeline } from './timeline';

/** One session of the table: its messages, files and wrap-up, and Resume for an ended one. */
export function SessionDetailPanel({
  sessionId,
  onClose,
  onResumed,
}: {
  sessionId: string;
  onClose: () => void;
  onResumed: (newSessionId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const slots = useSlots();
  // Keys of their own: the workspace's realtime layer drops sessions the operator no longer takes part in.
  const detail = useQuery({
    queryKey: ['table-session', sessionId],
    queryFn: () => api<SessionDetail>('GET', `/sessions/${sessionId}`),
    staleTime: 0,
  });
  const messages = useQuery({
    queryKey: ['table-messages', sessionId],
    queryFn: async () => (await api<{ items: Message[] }>('GET', `/sessions/${sessionId}/messages`)).items,
    staleTime: 0,
  });
  const reasons = useAllWrapupReasons();
  const tags = useTags();
  const resumption = useMutation({
    mutationFn: () => resumeSession(sessionId),
    onSuccess: (resumed) => onResumed(resumed.id),
  });
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });

  const session = detail.data?.session;
  const contact = session?.contact.name ?? t('common.unknownContact');
  const reason = reasons.data?.find((r) => r.id === session?.wrapupReasonId)?.name;
  const tagNames = session?.tagIds.map((id) => tags.data?.find((x) => x.id === id)?.name).filter(Boolean);
  const refusal = resumption.error;
  const refusalMessage = (refusal as { message?: string } | null)?.message;

  return (
    <aside className="detail-panel" aria-label={t('sessionTable.detail', { contact })}>
      <header className="detail-head">
        <h2>
          {session && <ChannelIcon channel={session.channel} />} {contact}
        </h2>
        <button type="button" className="icon" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </header>
      <ErrorText error={detail.error} />
      {session && (
        <>
          <dl className="facts">
            <dt>{t('sessionTable.state')}</dt>
            <dd>{t(`sessionState.${session.state}`)}</dd>
            <dt>{t('sessionTable.started')}</dt>
            <dd>{date.format(new Date(session.queuedAt))}</dd>
            {session.endedAt && (
              <>
                <dt>{t('sessionTable.ended')}</dt>
                <dd>{date.format(new Date(session.endedAt))}</dd>
              </>
            )}
            <dt>{t('sessionTable.group')}</dt>
            <dd>{session.groupName ?? '—'}</dd>
            <dt>{t('sessionTable.source')}</dt>
            <dd>{session.sourceUrl ?? session.sourceName}</dd>
          </dl>
          {session.state === 'ended' && (
            <div className="resume">
              <button
                type="button"
                className="primary"
                onClick={() => resumption.mutate()}
                disabled={resumption.isPending}
              >
                {t('sessionTable.resume')}
              </button>
              {refusal !== null && (
                <div role="alert" className="error" data-testid="resume-refused">
                  <strong>{t('sessionTable.resumeRefused')}</strong> {errorText(refusal)}
                  {refusalMessage && refusalMessage !== errorText(refusal) && (
                    <span className="muted"> ({refusalMessage})</span>
                  )}
                </div>
              )}
            </div>
          )}
          <section aria-label={t('wrapup.title')}>
            <h3>{t('sessionTable.wrapup')}</h3>
            <dl className="facts">
              <dt>{t('wrapup.reason')}</dt>
              <dd>{reason ?? '—'}</dd>
              <dt>{t('wrapup.note')}</dt>
              <dd className="pre">{session.wrapupNote ?? '—'}</dd>
              <dt>{t('sessionTable.tags')}</dt>
              <dd>{tagNames?.join(', ') || '—'}</dd>
            </dl>
          </section>
        </>
      )}
      <h3>{t('session.timeline')}</h3>
      <ErrorText error={messages.error} />
      {messages.data && <Timeline messages={messages.data} />}
      {slots.sessionFiles(sessionId)}
    </aside>
  );
}
