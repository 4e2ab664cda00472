import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LinkedText } from '../../../components/ui/linked-text';
import type { Message } from '../../../lib/types';
import { MessageItem } from './message-item';
import { systemTextOf } from './system-text';

/** Customer, operator and system messages in order, with quotes, files, reactions and each message's status. */
export function Timeline({
  messages,
  typing = false,
  onQuote,
  onRetry,
  onReact,
}: {
  messages: Message[];
  typing?: boolean;
  onQuote?: (message: Message) => void;
  onRetry?: (message: Message) => void;
  onReact?: (message: Message, emoji: string | null) => void;
}) {
  const { t } = useTranslation();
  const end = useRef<HTMLLIElement>(null);
  const byId = new Map(messages.map((m) => [m.id, m]));
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length, typing]);

  return (
    <ol className="timeline" aria-label={t('session.timeline')} data-testid="timeline">
      {messages.map((m) => {
        if (m.authorKind === 'system') {
          const text = systemTextOf(m, t);
          return (
            <li key={m.id} className="msg system">
              {text ? <LinkedText text={text} /> : null}
            </li>
          );
        }
        return (
          <MessageItem
            key={m.id}
            message={m}
            quoted={m.quotedMessageId ? byId.get(m.quotedMessageId) : undefined}
            actions={Boolean(onQuote)}
            {...(onQuote ? { onQuote } : {})}
            {...(onRetry ? { onRetry } : {})}
            {...(onReact ? { onReact } : {})}
          />
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
