import { lazy, Suspense, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Categories } from 'emoji-picker-react';
import { ErrorText } from '../../../components/ui/error-text';
import { useSlots } from '../../../lib/slots';
import { formatElapsed, useNow } from '../../../lib/use-now';
import type { Composer as ComposerState, FileInfo, Message } from '../../../lib/types';
import { renderTemplate, sendTyping, useTemplates } from '../api/sessions';

const EmojiPicker = lazy(() => import('emoji-picker-react'));
const emojiCategories = [
  'suggested',
  'smileys_people',
  'animals_nature',
  'food_drink',
  'travel_places',
  'activities',
  'objects',
  'symbols',
  'flags',
] as const;

/** Enter sends, Shift+Enter breaks the line; emoji, templates, reply-to, and the channel's length limit. */
export function Composer({
  sessionId,
  channel,
  channelAccountId,
  composer,
  quote,
  onClearQuote,
  onSend,
}: {
  sessionId: string;
  channel: string;
  channelAccountId: string;
  composer: ComposerState;
  quote: Message | null;
  onClearQuote: () => void;
  onSend: (text: string, quotedMessageId?: string, files?: FileInfo[]) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [panel, setPanel] = useState<'emoji' | 'templates' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [files, setFiles] = useState<FileInfo[]>([]);
  const [uploading, setUploading] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const typingSent = useRef(0);
  const typingStop = useRef<ReturnType<typeof setTimeout>>(undefined);
  const counterId = useId();
  const reasonId = useId();
  // The server's reason is English; what the operator reads comes from the language files.
  const closedText = channel === 'messenger' ? t('composer.messengerClosed') : t('composer.windowClosed');
  const templates = useTemplates();
  const slots = useSlots();

  const tooLong = text.length > composer.maxTextLength;
  const canSend = composer.freeText && (text.trim().length > 0 || files.length > 0) && !tooLong && !uploading;

  useEffect(() => {
    setText('');
    setPanel(null);
    setFiles([]);
    // Leaving the session mid-sentence: the customer should not see "typing" for ever.
    return () => {
      clearTimeout(typingStop.current);
      if (typingSent.current) void sendTyping(sessionId, false);
      typingSent.current = 0;
    };
  }, [sessionId]);
  useEffect(() => {
    if (quote) area.current?.focus();
  }, [quote]);

  function typed(value: string) {
    setText(value);
    const now = Date.now();
    if (now - typingSent.current > 3000) {
      typingSent.current = now;
      void sendTyping(sessionId, true);
    }
    clearTimeout(typingStop.current);
    typingStop.current = setTimeout(() => {
      typingSent.current = 0;
      void sendTyping(sessionId, false);
    }, 4000);
  }

  async function send() {
    if (!canSend) return;
    const body = text;
    setText('');
    clearTimeout(typingStop.current);
    typingSent.current = 0;
    const quoted = quote?.id;
    const attached = files;
    setFiles([]);
    onClearQuote();
    await onSend(body, quoted, attached);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  function insert(snippet: string) {
    const el = area.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    setText(text.slice(0, start) + snippet + text.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + snippet.length, start + snippet.length);
    });
  }

  async function pickTemplate(id: string) {
    try {
      setError(null);
      insert(await renderTemplate(id, sessionId));
      setPanel(null);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <div className="composer">
      {quote && (
        <div className="quoting">
          <span className="muted">{t('composer.replyingTo')}</span> <q>{quote.text}</q>
          <button
            type="button"
            className="icon"
            aria-label={t('composer.cancelReply')}
            onClick={onClearQuote}
          >
            ×
          </button>
        </div>
      )}
      {composer.freeText && composer.freeTextUntil && <WindowCountdown until={composer.freeTextUntil} />}
      {!composer.freeText && (
        <p className="composer-locked" id={reasonId} role="status">
          {composer.lockedUntilReply
            ? t('composer.lockedUntilReply')
            : composer.otherwise === 'templates'
              ? t('composer.onlyTemplates')
              : closedText}
        </p>
      )}
      {!composer.freeText &&
        composer.otherwise === 'templates' &&
        slots.templateSender({ sessionId, channel, channelAccountId })}
      <textarea
        ref={area}
        value={text}
        onChange={(e) => typed(e.target.value)}
        onKeyDown={onKeyDown}
        aria-label={t('composer.label')}
        aria-describedby={`${counterId}${composer.freeText ? '' : ` ${reasonId}`}`}
        placeholder={t('composer.placeholder')}
        disabled={!composer.freeText}
        rows={3}
      />
      <div className="composer-bar">
        <button
          type="button"
          aria-expanded={panel === 'emoji'}
          onClick={() => setPanel(panel === 'emoji' ? null : 'emoji')}
          disabled={!composer.freeText}
        >
          😊 {t('composer.emoji')}
        </button>
        <button
          type="button"
          aria-expanded={panel === 'templates'}
          onClick={() => setPanel(panel === 'templates' ? null : 'templates')}
          // A canned reply goes into the text, which cannot be sent now.
          disabled={!composer.freeText}
        >
          {t('composer.templates')}
        </button>
        {slots.filePicker({
          sessionId,
          channel,
          disabled: !composer.freeText,
          files,
          onChange: setFiles,
          onBusy: setUploading,
        })}
        <span id={counterId} className={`counter ${tooLong ? 'over' : ''}`} aria-live="polite">
          {t('composer.counter', { count: text.length, max: composer.maxTextLength })}
        </span>
        <button
          type="button"
          className="primary"
          onClick={() => void send()}
          disabled={!canSend}
          aria-keyshortcuts="Enter"
          title={composer.freeText ? `${t('shortcuts.send')} (Enter)` : closedText}
        >
          {t('composer.send')}
        </button>
      </div>
      <ErrorText error={error} />
      {panel === 'emoji' && composer.freeText && (
        <div className="composer-panel">
          <Suspense fallback={<p className="muted">…</p>}>
            <EmojiPicker
              onEmojiClick={(data) => insert(data.emoji)}
              lazyLoadEmojis
              width="100%"
              height={320}
              emojiStyle="native"
              previewConfig={{ showPreview: false }}
              labels={{
                searchPlaceholder: t('composer.emojiSearch'),
                searchLabel: t('composer.emojiSearch'),
                searchClear: t('emoji.clear'),
                searchResultsNone: t('emoji.none'),
                searchResultsOne: t('emoji.one'),
                searchResultsMany: t('emoji.many'),
                categoryNavigation: t('emoji.categories'),
                loading: t('common.loading'),
              }}
              categories={emojiCategories.map((category) => ({
                category: category as Categories,
                name: t(`emoji.category.${category}`),
              }))}
            />
          </Suspense>
        </div>
      )}
      {panel === 'templates' && composer.freeText && (
        <div className="composer-panel templates" role="group" aria-label={t('composer.templates')}>
          {templates.data?.length === 0 && <p className="muted">{t('composer.noTemplates')}</p>}
          <ul>
            {templates.data?.map((tpl) => (
              <li key={tpl.id}>
                <button type="button" onClick={() => void pickTemplate(tpl.id)}>
                  <strong>{tpl.name}</strong> <span className="muted">{tpl.body}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** The channel's reply window (WhatsApp / Messenger 24 h): how long free text is still possible. */
function WindowCountdown({ until }: { until: string }) {
  const { t } = useTranslation();
  const now = useNow();
  const left = new Date(until).getTime() - now;
  return (
    <p className={`window ${left < 3_600_000 ? 'closing' : ''}`} data-testid="window-countdown">
      {t('composer.windowCloses', { time: formatElapsed(left) })}
    </p>
  );
}
