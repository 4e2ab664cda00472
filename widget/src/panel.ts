import { h } from './dom';
import { styles } from './styles';
import { chatIcon } from './ui-parts';

const EMOJIS = ['😀', '🙂', '😉', '😍', '👍', '🙏', '🎉', '❤️'];

/**
 * The widget's elements, built once in a shadow root appended to the page: a launcher and a panel with the
 * header, status line, body (greeting, errors, entry form, messages, rating), typing line, upload progress, emoji
 * row and composer. The emoji row inserts at the cursor; everything else is wired by the widget.
 */
export function buildPanel(attach: { button: HTMLElement; input: HTMLElement; progress: HTMLElement }) {
  const host = h('div', { id: 'switchboard-widget' });
  const shadow = host.attachShadow({ mode: 'open' });
  const title = h('h2', { id: 'sb-title' }, 'Chat');
  const endButton = h('button', { type: 'button', hidden: true }, 'End chat');
  const closeButton = h('button', { type: 'button', class: 'close', 'aria-label': 'Close chat window' }, '×');
  const statusLine = h('div', { class: 'status', role: 'status' });
  const greeting = h('p', { class: 'greeting', hidden: true });
  const errorBox = h('div', { class: 'error', role: 'alert', hidden: true });
  const entryForm = h('form', { hidden: true, 'aria-label': 'Start a chat' });
  const list = h('ol', { 'aria-label': 'Messages', 'aria-live': 'polite' });
  const rating = h('div', { class: 'rating', hidden: true });
  const body = h('div', { class: 'body' }, greeting, errorBox, entryForm, list, rating);
  const typingLine = h('div', { class: 'typing', 'aria-live': 'polite' });
  const emojiRow = h('div', { class: 'emojis', hidden: true, role: 'group', 'aria-label': 'Emoji' });
  const textarea = h('textarea', {
    rows: '1',
    maxlength: '4000',
    'aria-label': 'Message',
    placeholder: 'Write a message…',
  });
  const emojiButton = h(
    'button',
    { type: 'button', class: 'icon', 'aria-label': 'Insert emoji', 'aria-expanded': 'false' },
    '🙂',
  );
  const sendButton = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const composer = h(
    'form',
    { class: 'composer', hidden: true },
    emojiButton,
    attach.button,
    attach.input,
    textarea,
    sendButton,
  );
  const panel = h(
    'section',
    { class: 'panel', role: 'dialog', 'aria-labelledby': 'sb-title', hidden: true },
    h('header', {}, title, endButton, closeButton),
    statusLine,
    body,
    typingLine,
    attach.progress,
    emojiRow,
    composer,
  );
  const launcher = h(
    'button',
    { type: 'button', class: 'launcher', 'aria-label': 'Open chat', 'aria-expanded': 'false' },
    chatIcon(),
  );
  shadow.append(h('style', {}, styles), h('div', { class: 'root' }, panel, launcher));
  document.body.append(host);

  emojiButton.addEventListener('click', () => {
    emojiRow.hidden = !emojiRow.hidden;
    emojiButton.setAttribute('aria-expanded', String(!emojiRow.hidden));
  });
  for (const emoji of EMOJIS) {
    const button = h('button', { type: 'button', class: 'icon', 'aria-label': `Insert ${emoji}` }, emoji);
    button.addEventListener('click', () => {
      const at = textarea.selectionStart ?? textarea.value.length;
      textarea.setRangeText(emoji, at, textarea.selectionEnd ?? at, 'end');
      textarea.focus();
    });
    emojiRow.append(button);
  }

  return {
    panel,
    launcher,
    title,
    endButton,
    closeButton,
    statusLine,
    greeting,
    errorBox,
    entryForm,
    list,
    rating,
    body,
    typingLine,
    emojiRow,
    textarea,
    composer,
  };
}
