import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LinkedText } from '../../../components/ui/linked-text';
import type { Message } from '../../../lib/types';

/** Customer, operator and system messages in order, with quotes and each operator message's status. */
export function Timeline({
  messages,
  typing,
  onQuote,
  onRetry,
}: {
  messages: Message[];
  typing: boolean;
  onQuote: (message: Message) => void;
  onRetry: (message: Message) => void;
}) {
  const { t, i18n } = useTranslation();
  const end = useRef<HTMLLIElement>(null);
  const byId = new Map(messages.map((m) => [m.id, m]));
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length, typing]);
  const time = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' });

  return (
    <ol className="timeline" aria-label={t('session.timeline')} data-testid="timeline">
      {messages.map((m) => {
        if (m.authorKind === 'system')
          return (
            <li key={m.id} className="msg system">
              {m.text ? <LinkedText text={m.text} /> : null}
            </li>
          );
        const quoted = m.quotedMessageId ? byId.get(m.quotedMessageId) : undefined;
        const who =
          m.direction === 'in' ? t('session.customer') : (m.author?.name ?? t(`author.${m.authorKind}`));
        return (
          <li key={m.id} className={`msg ${m.direction}`} data-testid={`message-${m.direction}`}>
            <div className="msg-head">
              <span className="who">{who}</span>
              <time dateTime={m.createdAt}>{time.format(new Date(m.createdAt))}</time>
            </div>
            {m.quotedMessageId && (
              <blockquote className="quote">
                {quoted?.text ? <LinkedText text={quoted.text} /> : t('session.quotedUnavailable')}
              </blockquote>
            )}
            <div className="msg-text">{m.text ? <LinkedText text={m.text} /> : null}</div>
            <div className="msg-foot">
              {m.direction === 'out' && (
                <span className={`status ${m.status}`} data-testid="message-status">
                  {t(`status.${m.status}`)}
                  {m.status === 'error' && m.errorReason ? `: ${m.errorReason}` : ''}
                </span>
              )}
              {m.direction === 'out' && m.status === 'error' && m.text && (
                <button type="button" className="link" onClick={() => onRetry(m)}>
                  {t('session.retry')}
                </button>
              )}
              {!m.id.startsWith('local-') && (
                <button type="button" className="link" onClick={() => onQuote(m)}>
                  {t('session.reply')}
                </button>
              )}
            </div>
          </li>
        );
      })}
      {typing && (
        <li className="typing" aria-live="polite">
          {t('session.customerTyping')}
        </li>
      )}
      <li ref={end} aria-hidden="true" className="end" />
    </ol>
  );
}
