import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LinkedText } from '../../../components/ui/linked-text';
import { useSlots } from '../../../lib/slots';
import type { Message } from '../../../lib/types';

const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

interface Edit {
  previousText: string | null;
  at: string;
}

/** One customer or operator message: quote, text, files, reactions, edit marks, status and actions. */
export function MessageItem({
  message: m,
  quoted,
  actions = true,
  onQuote,
  onRetry,
  onReact,
}: {
  message: Message;
  quoted: Message | undefined;
  actions?: boolean;
  onQuote?: (message: Message) => void;
  onRetry?: (message: Message) => void;
  onReact?: (message: Message, emoji: string | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const slots = useSlots();
  const [picking, setPicking] = useState(false);
  const time = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' });
  const who = m.direction === 'in' ? t('session.customer') : (m.author?.name ?? t(`author.${m.authorKind}`));
  const edits = Array.isArray(m.metadata.edits) ? (m.metadata.edits as Edit[]) : [];
  // A deleted message keeps its earlier texts in the edit history, for audit.
  const revoked = m.metadata.revoked === true;
  const original = edits[0]?.previousText ?? null;
  const reactions = (m.metadata.reactions ?? {}) as { customer?: string; operator?: string };
  const local = m.id.startsWith('local-');

  return (
    <li className={`msg ${m.direction}`} data-testid={`message-${m.direction}`}>
      <div className="msg-head">
        <span className="who">{who}</span>
        <time dateTime={m.createdAt}>{time.format(new Date(m.createdAt))}</time>
      </div>
      {m.quotedMessageId && (
        <blockquote className="quote">
          {quoted?.text ? <LinkedText text={quoted.text} /> : t('session.quotedUnavailable')}
        </blockquote>
      )}
      <div className="msg-text">
        {revoked ? (
          <em className="muted">{t('message.revokedText')}</em>
        ) : m.text ? (
          <LinkedText text={m.text} />
        ) : null}
      </div>
      {slots.messageFiles(m)}
      {(edits.length > 0 || revoked) && (
        <details className="edit-mark" data-testid="edit-mark">
          <summary>{revoked ? t('message.revoked') : t('message.edited')}</summary>
          <p className="muted">
            {t('message.original')}: {original ? <LinkedText text={original} /> : '—'}
          </p>
        </details>
      )}
      {(reactions.customer || reactions.operator) && (
        <ul className="reactions" aria-label={t('message.reactions')}>
          {reactions.customer && (
            <li title={t('message.customerReacted')}>
              <span role="img" aria-label={t('message.customerReaction', { emoji: reactions.customer })}>
                {reactions.customer}
              </span>
            </li>
          )}
          {reactions.operator && (
            <li className="mine" title={t('message.operatorReacted')}>
              <span role="img" aria-label={t('message.operatorReaction', { emoji: reactions.operator })}>
                {reactions.operator}
              </span>
            </li>
          )}
        </ul>
      )}
      <div className="msg-foot">
        {m.direction === 'out' && (
          <span className={`status ${m.status}`} data-testid="message-status">
            {t(`status.${m.status}`)}
            {m.status === 'error' && m.errorReason ? `: ${m.errorReason}` : ''}
          </span>
        )}
        {actions && m.direction === 'out' && m.status === 'error' && onRetry && (
          <button type="button" className="link" onClick={() => onRetry(m)}>
            {t('session.retry')}
          </button>
        )}
        {actions && !local && m.direction === 'in' && onReact && (
          <button type="button" className="link" aria-expanded={picking} onClick={() => setPicking(!picking)}>
            {t('message.react')}
          </button>
        )}
        {actions && !local && onQuote && (
          <button type="button" className="link" onClick={() => onQuote(m)}>
            {t('session.reply')}
          </button>
        )}
      </div>
      {picking && onReact && (
        <div className="reaction-picker" role="group" aria-label={t('message.react')}>
          {QUICK_REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              aria-pressed={reactions.operator === emoji}
              onClick={() => {
                setPicking(false);
                onReact(m, reactions.operator === emoji ? null : emoji);
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </li>
  );
}
