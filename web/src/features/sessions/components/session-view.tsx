import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChannelIcon } from '../../../components/ui/channel-icon';
import { ErrorText } from '../../../components/ui/error-text';
import { dialogOpen } from '../../../lib/keyboard';
import { attachmentsOf, type FileInfo, type Me, type Message } from '../../../lib/types';
import {
  markRead,
  sessionActions,
  useDropMessage,
  useLeaveSession,
  useMessages,
  useReactToMessage,
  useRetryMessage,
  useSendMessage,
  useSessionDetail,
  useTyping,
} from '../api/sessions';
import { Composer } from './composer';
import { TagsDialog } from './tags-dialog';
import { Timeline } from './timeline';
import { TransferDialog } from './transfer-dialog';
import { WrapupDialog } from './wrapup-dialog';

/** Channels that show an operator's reaction to the customer (web chat has none). */
const reactionChannels = new Set(['whatsapp', 'messenger']);

type DialogName = 'transfer' | 'conference' | 'tags' | 'end' | null;

/** The open session: header with actions, the timeline, the composer. */
export function SessionView({
  sessionId,
  me,
  onClosed,
}: {
  sessionId: string;
  me: Me;
  onClosed: () => void;
}) {
  const { t } = useTranslation();
  const detail = useSessionDetail(sessionId);
  const messages = useMessages(sessionId);
  const typing = useTyping(sessionId);
  const send = useSendMessage(sessionId, { userId: me.id, name: me.name });
  const leave = useLeaveSession();
  const drop = useDropMessage(sessionId);
  const retry = useRetryMessage(sessionId);
  const react = useReactToMessage(sessionId);
  const [quote, setQuote] = useState<Message | null>(null);
  const [dialog, setDialog] = useState<DialogName>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setQuote(null);
    setDialog(null);
    setError(null);
  }, [sessionId]);

  // Read receipts: the newest customer message counts as read while the session is open and the page visible.
  const lastInbound = [...(messages.data ?? [])].reverse().find((m) => m.direction === 'in');
  useEffect(() => {
    if (!lastInbound) return;
    const mark = () => {
      if (document.visibilityState === 'visible')
        void markRead(sessionId, lastInbound.id).catch(() => undefined);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [sessionId, lastInbound?.id]);

  const owner = detail.data?.session.participants.some((p) => p.userId === me.id && p.role === 'owner');
  useEffect(() => {
    if (!owner) return;
    function onKey(event: KeyboardEvent) {
      if (event.altKey && event.code === 'KeyE' && !dialogOpen()) {
        event.preventDefault();
        setDialog('end');
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [owner]);

  if (detail.error) return <ErrorText error={detail.error} />;
  if (!detail.data) return <p className="muted center">{t('common.loading')}</p>;
  const { session, composer } = detail.data;
  const mine = session.participants.find((p) => p.userId === me.id);
  const guests = session.participants.filter((p) => p.role === 'guest');
  const contact = session.contact.name ?? t('common.unknownContact');

  async function run(action: () => Promise<unknown>, gone = false) {
    try {
      setError(null);
      await action();
      if (gone) {
        leave(sessionId);
        onClosed();
      }
    } catch (e) {
      setError(e);
    }
  }

  function finished() {
    setDialog(null);
    leave(sessionId);
    onClosed();
  }

  return (
    <section className="session-view" aria-label={t('session.label', { contact })}>
      <header className="session-head">
        <ChannelIcon channel={session.channel} />
        <div>
          <h2>{contact}</h2>
          <p className="muted">
            {session.groupName ?? '—'} · {session.sourceUrl ?? session.sourceName}
            {session.participants.length > 1 &&
              ` · ${t('session.participants', { names: session.participants.map((p) => p.name).join(', ') })}`}
          </p>
        </div>
        <div className="actions" role="toolbar" aria-label={t('session.actions')}>
          {mine?.role === 'owner' && (
            <>
              <button type="button" onClick={() => setDialog('transfer')}>
                {t('transfer.open')}
              </button>
              <button type="button" onClick={() => setDialog('conference')}>
                {t('conference.open')}
              </button>
              {guests.length > 0 && (
                <button type="button" onClick={() => void run(() => sessionActions.endConference(sessionId))}>
                  {t('conference.end')}
                </button>
              )}
            </>
          )}
          {mine?.role === 'guest' && (
            <button
              type="button"
              onClick={() => void run(() => sessionActions.exitConference(sessionId), true)}
            >
              {t('conference.exit')}
            </button>
          )}
          <button type="button" onClick={() => setDialog('tags')}>
            {t('tags.open')}
          </button>
          {mine?.role === 'owner' && (
            <button
              type="button"
              className="danger"
              onClick={() => setDialog('end')}
              aria-keyshortcuts="Alt+E"
              title={`${t('shortcuts.end')} (Alt+E)`}
            >
              {t('wrapup.open')}
            </button>
          )}
        </div>
      </header>
      <ErrorText error={error} />
      <Timeline
        messages={messages.data ?? []}
        typing={typing}
        onQuote={setQuote}
        onRetry={(m) => {
          // Never reached the server: send it anew. Stored but refused by the channel: the server sends it again.
          if (m.id.startsWith('local-')) {
            drop(m.id);
            void send(m.text ?? '', m.quotedMessageId ?? undefined, filesOf(m));
          } else void run(() => retry(m.id));
        }}
        {...(reactionChannels.has(session.channel)
          ? { onReact: (m: Message, emoji: string | null) => void run(() => react(m.id, emoji)) }
          : {})}
      />
      <Composer
        sessionId={sessionId}
        channel={session.channel}
        channelAccountId={session.channelAccountId}
        composer={composer}
        quote={quote}
        onClearQuote={() => setQuote(null)}
        onSend={send}
      />
      {(dialog === 'transfer' || dialog === 'conference') && (
        <TransferDialog
          sessionId={sessionId}
          mode={dialog}
          meId={me.id}
          onClose={() => setDialog(null)}
          onDone={dialog === 'transfer' ? finished : () => setDialog(null)}
        />
      )}
      {dialog === 'tags' && (
        <TagsDialog sessionId={sessionId} current={session.tagIds} onClose={() => setDialog(null)} />
      )}
      {dialog === 'end' && (
        <WrapupDialog
          sessionId={sessionId}
          tagIds={session.tagIds}
          onClose={() => setDialog(null)}
          onEnded={finished}
        />
      )}
    </section>
  );
}

/** The files of a message that never reached the server, to send again with it. */
function filesOf(message: Message): FileInfo[] {
  return attachmentsOf(message)
    .filter((a) => a.fileId)
    .map((a) => ({ id: a.fileId!, name: a.name ?? '', status: 'stored' }) as FileInfo);
}
