import { io, type Socket } from 'socket.io-client';
import type { EventEnvelope, ServerEventMap, VisitorMessage } from '@switchboard/server/events';
import {
  ApiError,
  createApi,
  NetworkError,
  type ChatSession,
  type Conversation,
  type WidgetConfig,
} from './api';
import { h, richText } from './dom';
import { createMessageList } from './messages';
import { createStorage, currentPageUrl, newClientMessageId, type Outgoing } from './storage';
import { styles } from './styles';

type View = 'loading' | 'unavailable' | 'form' | 'chat';

const EMOJIS = ['😀', '🙂', '😉', '😍', '👍', '🙏', '🎉', '❤️'];

/** The launcher's speech-bubble icon, built as elements like everything else (the widget never sets innerHTML). */
function chatIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z');
  svg.append(path);
  return svg;
}

/** Why an action failed, in words for the customer. */
function describe(error: unknown): string {
  if (error instanceof NetworkError)
    return 'No connection. Please check your internet connection and try again.';
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong. Please try again.';
}

/**
 * The chat widget: a launcher and a panel in a shadow root appended to the page. State comes from the public web
 * chat API and the `/webchat` socket; what must survive a reload (visitor token, last event number, unsent
 * messages, open panel) is kept in localStorage per key.
 */
export function mountWidget({ key, base }: { key: string; base: string }) {
  const storage = createStorage(key);
  const api = createApi(base, key, () => storage.get().token);
  const messages = createMessageList();
  let config: WidgetConfig | null = null;
  let view: View = 'loading';
  let unavailable = '';
  let session: ChatSession | null = null;
  let socket: Socket | null = null;
  /** The socket dropped after having been up (not the first connection still under way). */
  let lost = false;
  let operatorTyping: string | null = null;
  let operatorTypingTimer: ReturnType<typeof setTimeout> | undefined;
  let ownTyping = false;
  let ownTypingTimer: ReturnType<typeof setTimeout> | undefined;
  let failed: Array<Outgoing & { reason: string }> = [];
  let flushing = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let deliveredUpTo: string | null = null;
  let readUpTo: string | null = null;
  let stars = 0;
  /** The chat has not been loaded since the page opened (the first GET failed): load it when connected. */
  let snapshotMissing = false;

  // ---- the DOM, built once ----
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
  const composer = h('form', { class: 'composer', hidden: true }, emojiButton, textarea, sendButton);
  const panel = h(
    'section',
    { class: 'panel', role: 'dialog', 'aria-labelledby': 'sb-title', hidden: true },
    h('header', {}, title, endButton, closeButton),
    statusLine,
    body,
    typingLine,
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

  // ---- rendering ----
  const chatOpen = () => !!session && session.state !== 'ended';
  const ended = () => session?.state === 'ended';

  function render() {
    title.textContent = config?.name ?? 'Chat';
    greeting.textContent = config?.greeting ?? '';
    greeting.hidden = !config?.greeting || view === 'unavailable';
    if (view === 'unavailable') {
      errorBox.textContent = unavailable;
      errorBox.hidden = false;
    }
    entryForm.hidden = view !== 'form';
    list.hidden = view !== 'chat';
    composer.hidden = view !== 'chat' || ended();
    if (composer.hidden) emojiRow.hidden = true;
    endButton.hidden = view !== 'chat' || !chatOpen();
    renderStatus();
    renderTyping();
    renderMessages();
    renderRating();
  }

  function renderStatus() {
    const offline = !navigator.onLine || lost;
    const waiting = storage.get().outbox?.length ?? 0;
    statusLine.textContent = offline
      ? `Offline. Reconnecting…${waiting ? ' Your messages will be sent when you are back online.' : ''}`
      : '';
  }

  function renderTyping() {
    typingLine.textContent = operatorTyping && chatOpen() ? `${operatorTyping} is typing…` : '';
  }

  function tick(status: 'sending' | 'sent' | 'read' | 'failed', label: string) {
    const marks = { sending: '🕓', sent: '✓', read: '✓✓', failed: '!' }[status];
    return h('span', { class: 'tick', 'data-status': status }, `${marks} ${label}`);
  }

  function bubble(text: string) {
    const element = h('div', { class: 'bubble' });
    element.append(richText(text));
    return element;
  }

  function messageItem(message: VisitorMessage) {
    const text = message.text ?? '';
    if (message.authorKind === 'system') return h('li', { class: 'msg system' }, text);
    if (message.authorKind === 'operator')
      return h(
        'li',
        { class: 'msg operator', 'data-message-id': message.id },
        h('span', { class: 'author' }, message.authorName ?? 'Operator'),
        bubble(text),
      );
    const read = message.status === 'read';
    return h(
      'li',
      { class: 'msg customer', 'data-message-id': message.id },
      bubble(text),
      tick(read ? 'read' : 'sent', read ? 'Read' : 'Sent'),
    );
  }

  function renderMessages() {
    if (view !== 'chat') return;
    const atEnd = body.scrollHeight - body.scrollTop - body.clientHeight < 40;
    const items = messages.all().map(messageItem);
    for (const queued of storage.get().outbox ?? []) {
      if (messages.hasClientId(queued.clientMessageId)) continue;
      items.push(h('li', { class: 'msg customer' }, bubble(queued.text), tick('sending', 'Sending…')));
    }
    for (const item of failed)
      items.push(
        h('li', { class: 'msg customer' }, bubble(item.text), tick('failed', `Not sent: ${item.reason}`)),
      );
    list.replaceChildren(...items);
    if (atEnd) body.scrollTop = body.scrollHeight;
  }

  function renderRating() {
    rating.hidden = !(view === 'chat' && ended());
    if (rating.hidden) return;
    const newChat = h('button', { type: 'button', class: 'primary' }, 'Start a new chat');
    newChat.addEventListener('click', startOver);
    if (session?.rating != null) {
      rating.replaceChildren(h('p', {}, 'Thank you for your feedback.'), newChat);
      return;
    }
    const starRow = h('div', { class: 'stars', role: 'group', 'aria-label': 'Rate this chat' });
    for (let n = 1; n <= 5; n++) {
      const star = h(
        'button',
        { type: 'button', 'aria-label': `${n} star${n > 1 ? 's' : ''}`, 'aria-pressed': String(n <= stars) },
        '★',
      );
      star.addEventListener('click', () => {
        stars = n;
        starRow.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-pressed', String(i < n)));
        submit.disabled = false;
      });
      starRow.append(star);
    }
    const comment = h('textarea', { rows: '2', maxlength: '2000' });
    const submit = h('button', { type: 'submit', class: 'primary', disabled: stars === 0 }, 'Send rating');
    const form = h(
      'form',
      { 'aria-label': 'Rate this chat' },
      h('p', {}, 'The chat has ended. How did we do?'),
      starRow,
      h('label', {}, 'Comment (optional)', comment),
      submit,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!stars) return;
      submit.disabled = true;
      api
        .rate(stars, comment.value.trim() || undefined)
        .then(() => {
          if (session) session = { ...session, rating: stars };
          hideError();
          render();
          rating.querySelector('button')?.focus();
        })
        .catch((error: unknown) => {
          submit.disabled = false;
          showError(describe(error));
        });
    });
    rating.replaceChildren(form, newChat);
  }

  function showError(message: string) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function hideError() {
    if (view !== 'unavailable') errorBox.hidden = true;
  }

  // ---- the entry form ----
  const fields: { name?: HTMLInputElement; email?: HTMLInputElement; question?: HTMLTextAreaElement } = {};
  const hasForm = () =>
    !!config && (config.entryForm.name || config.entryForm.email || config.entryForm.question);

  function buildForm(form: WidgetConfig['entryForm']) {
    const startButton = h('button', { type: 'submit', class: 'primary' }, 'Start chat');
    const rows: HTMLElement[] = [];
    if (form.name) {
      fields.name = h('input', { type: 'text', autocomplete: 'name', maxlength: '200' });
      rows.push(h('label', {}, 'Your name', fields.name));
    }
    if (form.email) {
      fields.email = h('input', { type: 'email', autocomplete: 'email', maxlength: '320' });
      rows.push(h('label', {}, 'E-mail', fields.email));
    }
    if (form.question) {
      fields.question = h('textarea', { rows: '3', required: true, maxlength: '4000' });
      rows.push(h('label', {}, 'Your question', fields.question));
    }
    entryForm.replaceChildren(...rows, startButton);
    entryForm.addEventListener('submit', (event) => {
      event.preventDefault();
      startButton.disabled = true;
      const question = fields.question?.value.trim();
      void start({
        ...(fields.name?.value.trim() ? { name: fields.name.value.trim() } : {}),
        ...(fields.email?.value.trim() ? { email: fields.email.value.trim() } : {}),
        ...(question ? { question } : {}),
      }).finally(() => {
        startButton.disabled = false;
      });
    });
  }

  /** Opens the chat (a new visitor gets their token here); with a question, the session starts too. */
  async function start(input: { name?: string; email?: string; question?: string }): Promise<boolean> {
    const pageUrl = currentPageUrl();
    try {
      const reply = await api.start({
        ...input,
        ...(input.question ? { clientMessageId: newClientMessageId() } : {}),
        ...(pageUrl ? { pageUrl } : {}),
      });
      if (reply.token) storage.update({ token: reply.token });
      messages.clear();
      applyConversation(reply.conversation);
      view = 'chat';
      hideError();
      if (fields.question) fields.question.value = '';
      render();
      connect();
      textarea.focus();
      return true;
    } catch (error) {
      showError(describe(error));
      return false;
    }
  }

  function applyConversation(conversation: Conversation) {
    session = conversation.session;
    messages.replace(conversation.messages);
  }

  /** After the rating: a fresh chat for the same visitor. */
  function startOver() {
    messages.clear();
    session = null;
    failed = [];
    stars = 0;
    deliveredUpTo = readUpTo = null;
    view = hasForm() ? 'form' : 'chat';
    render();
    focusFirst();
  }

  // ---- sending ----
  function send(text: string) {
    if (!storage.get().token) {
      // No form: the first message starts the chat.
      void start({ question: text }).then((started) => {
        if (!started) textarea.value = text;
      });
      return;
    }
    const pageUrl = currentPageUrl();
    const outgoing: Outgoing = {
      clientMessageId: newClientMessageId(),
      text,
      ...(pageUrl ? { pageUrl } : {}),
    };
    storage.update({ outbox: [...(storage.get().outbox ?? []), outgoing] });
    render();
    body.scrollTop = body.scrollHeight;
    void flush();
  }

  /**
   * Sends queued messages in order. Each keeps its client id, so sending again after a lost answer stores it once;
   * it leaves the queue only when the server confirmed it or refused it for good.
   */
  async function flush() {
    if (flushing || !storage.get().token) return;
    flushing = true;
    clearTimeout(retryTimer);
    try {
      for (;;) {
        const next = storage.get().outbox?.[0];
        if (!next) break;
        try {
          const reply = await api.send(next);
          messages.upsert(reply.message);
          if (session?.id !== reply.sessionId)
            session = { id: reply.sessionId, state: 'waiting', endedAt: null, rating: null };
        } catch (error) {
          if (error instanceof NetworkError || (error instanceof ApiError && error.retryable)) {
            retryTimer = setTimeout(() => void flush(), 5000);
            break;
          }
          failed.push({ ...next, reason: describe(error) });
        }
        storage.update({
          outbox: (storage.get().outbox ?? []).filter((o) => o.clientMessageId !== next.clientMessageId),
        });
        render();
      }
    } finally {
      flushing = false;
      renderStatus();
    }
  }

  function sendTyping(typing: boolean) {
    if (ownTyping === typing || !chatOpen()) return;
    ownTyping = typing;
    api.typing(typing).catch(() => undefined);
  }

  // ---- receipts ----
  const panelVisible = () => !panel.hidden && document.visibilityState === 'visible';

  /** The operator's messages reached the widget (delivered) and, when the panel is in view, were read. */
  function sendReceipts() {
    if (!chatOpen()) return;
    const last = messages
      .all()
      .filter((m) => m.authorKind === 'operator')
      .at(-1);
    if (!last || last.status === 'read') return;
    const id = last.id;
    if (panelVisible()) {
      if (readUpTo === id) return;
      readUpTo = id;
      api.receipt('read', id).catch(() => {
        readUpTo = null;
      });
    } else if (deliveredUpTo !== id && last.status === 'sent') {
      deliveredUpTo = id;
      api.receipt('delivered', id).catch(() => {
        deliveredUpTo = null;
      });
    }
  }

  // ---- realtime ----
  function advanceSeq(seq: number) {
    if (seq > (storage.get().lastSeq ?? -1)) storage.update({ lastSeq: seq });
  }

  function connect() {
    if (socket || !storage.get().token) return;
    let replayFrom: number | undefined;
    socket = io(`${base}/webchat`, {
      // Called at every (re)connection, so the server replays from the latest event handled.
      auth: (callback) => {
        const saved = storage.get();
        replayFrom = saved.lastSeq;
        callback({ key, token: saved.token, ...(replayFrom !== undefined ? { lastSeq: replayFrom } : {}) });
      },
    });
    socket.on('event', (envelope: EventEnvelope) => {
      advanceSeq(envelope.seq);
      handleEvent(envelope);
    });
    socket.on(
      'ephemeral',
      (signal: { name: string; payload: ServerEventMap['visitor.typing'] & { who: string } }) => {
        if (signal.name !== 'typing' || signal.payload.who !== 'operator') return;
        clearTimeout(operatorTypingTimer);
        operatorTyping = signal.payload.typing ? (signal.payload.name ?? 'The operator') : null;
        // A lost "stopped typing" must not leave the line forever.
        if (operatorTyping)
          operatorTypingTimer = setTimeout(() => {
            operatorTyping = null;
            renderTyping();
          }, 8000);
        renderTyping();
      },
    );
    socket.on('ready', (info: { seq: number }) => {
      lost = false;
      const replayed = replayFrom !== undefined;
      advanceSeq(info.seq);
      // Without a sequence number to replay from, what happened before this socket comes from the snapshot.
      if (!replayed || snapshotMissing) void resync();
      void flush();
      sendReceipts();
      renderStatus();
    });
    socket.on('disconnect', () => {
      lost = true;
      renderStatus();
    });
    socket.on('connect_error', () => {
      lost = true;
      renderStatus();
      // Refused by the server (not a network error): Socket.IO does not retry by itself.
      if (socket && !socket.active) setTimeout(() => socket?.connect(), 5000);
    });
  }

  async function resync() {
    try {
      applyConversation(await api.chat());
      snapshotMissing = false;
      render();
      sendReceipts();
    } catch {
      // The next reconnection tries again.
    }
  }

  function handleEvent(envelope: EventEnvelope) {
    if (envelope.name === 'visitor.message' || envelope.name === 'visitor.message.updated') {
      const message = envelope.payload as VisitorMessage;
      messages.upsert(message);
      if (message.authorKind === 'operator') {
        operatorTyping = null;
        clearTimeout(operatorTypingTimer);
      }
    } else if (envelope.name === 'visitor.session') {
      const change = envelope.payload as ServerEventMap['visitor.session'];
      const wasOpen = chatOpen();
      session =
        session?.id === change.sessionId
          ? { ...session, state: change.state }
          : { id: change.sessionId, state: change.state, endedAt: null, rating: null };
      if (view === 'form' && change.state !== 'ended') view = 'chat';
      if (wasOpen && change.state === 'ended') {
        operatorTyping = null;
        ownTyping = false;
      }
    } else {
      return;
    }
    render();
    sendReceipts();
  }

  // ---- open, close, keys ----
  function focusFirst() {
    if (panel.hidden) return;
    const target =
      view === 'form'
        ? entryForm.querySelector<HTMLElement>('input, textarea')
        : view === 'chat' && !composer.hidden
          ? textarea
          : view === 'chat' && ended()
            ? rating.querySelector<HTMLElement>('button')
            : closeButton;
    (target ?? closeButton).focus();
  }

  function setOpen(open: boolean, moveFocus = true) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    storage.update({ open });
    if (open) {
      body.scrollTop = body.scrollHeight;
      if (moveFocus) focusFirst();
      sendReceipts();
    } else if (moveFocus) {
      launcher.focus();
    }
  }

  launcher.addEventListener('click', () => setOpen(!!panel.hidden));
  closeButton.addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      setOpen(false);
    }
  });
  endButton.addEventListener('click', () => {
    endButton.disabled = true;
    api
      .end()
      .then(() => {
        if (session) session = { ...session, state: 'ended' };
        sendTyping(false);
        render();
        focusFirst();
      })
      .catch((error: unknown) => showError(describe(error)))
      .finally(() => {
        endButton.disabled = false;
      });
  });
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text) return;
    textarea.value = '';
    clearTimeout(ownTypingTimer);
    sendTyping(false);
    send(text);
    textarea.focus();
  });
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  textarea.addEventListener('input', () => {
    if (!textarea.value.trim()) return;
    sendTyping(true);
    clearTimeout(ownTypingTimer);
    ownTypingTimer = setTimeout(() => sendTyping(false), 3000);
  });
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
  document.addEventListener('visibilitychange', sendReceipts);
  window.addEventListener('online', () => {
    renderStatus();
    if (config) {
      if (socket && !socket.connected) socket.connect();
      void flush();
    } else {
      void init();
    }
  });
  window.addEventListener('offline', () => {
    // A dead connection can look alive for a while; drop it now and reconnect (with replay) when back.
    if (socket?.connected) lost = true;
    socket?.disconnect();
    renderStatus();
  });

  // ---- start ----
  async function init() {
    try {
      config = await api.config();
    } catch (error) {
      view = 'unavailable';
      unavailable =
        error instanceof ApiError && error.status === 401
          ? `This chat is not available (${error.message}).`
          : `The chat could not be loaded. ${describe(error)}`;
      render();
      return;
    }
    errorBox.hidden = true;
    buildForm(config.entryForm);
    if (storage.get().token) {
      try {
        applyConversation(await api.chat());
      } catch (error) {
        // The visitor is gone (or belongs to another widget): start afresh.
        if (error instanceof ApiError && error.status === 401)
          storage.update({ token: undefined, lastSeq: undefined, outbox: [] });
        else snapshotMissing = true;
      }
    }
    const token = storage.get().token;
    const finished = session?.state === 'ended' && session.rating !== null;
    if (finished) messages.clear();
    view = token && !finished ? 'chat' : hasForm() ? 'form' : 'chat';
    if (finished) session = null;
    render();
    if (token) {
      connect();
      void flush();
    }
    if (storage.get().open) setOpen(true, false);
  }

  render();
  void init();
}
