import type { Socket } from 'socket.io-client';
import type { EventEnvelope, ServerEventMap, VisitorMessage } from '@switchboard/server/events';
import {
  ApiError,
  createApi,
  uploadFiles,
  type ChatSession,
  type Conversation,
  type WidgetConfig,
} from './api';
import { createAttach } from './attach';
import { bindComposer } from './composer-input';
import { buildEntryForm, type EntryFields } from './entry-form';
import { createFileLinks } from './file-links';
import { messageItem, pendingItems } from './message-view';
import { createMessageList } from './messages';
import { bindOpenClose } from './open-close';
import { createOutbox } from './outbox';
import { createReceipts } from './receipts';
import { renderRating as drawRating } from './rating-view';
import { buildPanel } from './panel';
import { openSocket } from './socket';
import { describe } from './ui-parts';
import { createStorage, currentPageUrl, newClientMessageId, type Outgoing } from './storage';

type View = 'loading' | 'unavailable' | 'form' | 'chat';

/**
 * The chat widget: a launcher and a panel in a shadow root appended to the page. State comes from the public web
 * chat API and the `/webchat` socket; what must survive a reload (visitor token, last event number, unsent
 * messages, open panel) is kept in localStorage per key.
 */
export function mountWidget({ key, base }: { key: string; base: string }) {
  const storage = createStorage(key);
  const api = createApi(base, key, () => storage.get().token);
  const messages = createMessageList();
  const links = createFileLinks(api, () => renderMessages());
  const outbox = createOutbox(api, storage, {
    sent: (reply) => {
      messages.upsert(reply.message);
      if (session?.id !== reply.sessionId)
        session = { id: reply.sessionId, state: 'waiting', endedAt: null, rating: null };
    },
    refused: (item, reason) => failed.push({ ...item, reason }),
    changed: () => render(),
  });
  const flush = () => outbox.flush();
  const receipts = createReceipts(api);
  let config: WidgetConfig | null = null;
  let view: View = 'loading';
  let unavailable = '';
  let session: ChatSession | null = null;
  let socket: Socket | null = null;
  /** The socket dropped after having been up (not the first connection still under way). */
  let lost = false;
  let operatorTyping: string | null = null;
  let failed: Array<Outgoing & { reason: string }> = [];
  let stars = 0;
  /** The chat has not been loaded since the page opened (the first GET failed): load it when connected. */
  let snapshotMissing = false;

  const attach = createAttach({
    config: () => config,
    ensureVisitor: async () => !!storage.get().token || (await start({})),
    upload: (form, onProgress) => uploadFiles(base, key, storage.get().token ?? '', form, onProgress),
    sent: (reply) => {
      messages.upsert(reply.message);
      if (session?.id !== reply.sessionId)
        session = { id: reply.sessionId, state: 'waiting', endedAt: null, rating: null };
      hideError();
      render();
      body.scrollTop = body.scrollHeight;
    },
    refused: (reasons) => (reasons.length ? showError(reasons.join('\n')) : hideError()),
    failed: (error) => showError(`Not sent: ${describe(error)}`),
  });
  const {
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
  } = buildPanel(attach);

  // ---- rendering ----
  const chatOpen = () => !!session && session.state !== 'ended';
  const ended = () => session?.state === 'ended';
  const { setOpen, focusFirst } = bindOpenClose(
    panel,
    launcher,
    closeButton,
    () =>
      view === 'form'
        ? entryForm.querySelector<HTMLElement>('input, textarea')
        : view === 'chat' && !composer.hidden
          ? textarea
          : view === 'chat' && ended()
            ? rating.querySelector<HTMLElement>('button')
            : null,
    (open) => {
      storage.update({ open });
      if (open) {
        body.scrollTop = body.scrollHeight;
        sendReceipts();
      }
    },
  );

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

  function renderMessages() {
    if (view !== 'chat') return;
    const atEnd = body.scrollHeight - body.scrollTop - body.clientHeight < 40;
    list.replaceChildren(
      ...messages.all().map((m) => messageItem(m, links)),
      ...pendingItems(storage.get().outbox ?? [], failed, (id) => messages.hasClientId(id)),
    );
    if (atEnd) body.scrollTop = body.scrollHeight;
  }

  function renderRating() {
    rating.hidden = !(view === 'chat' && ended());
    if (rating.hidden) return;
    drawRating(rating, {
      rated: session?.rating != null,
      stars,
      setStars: (n) => (stars = n),
      startOver,
      rate: (chosen, comment) =>
        api.rate(chosen, comment).then(
          () => {
            if (session) session = { ...session, rating: chosen };
            hideError();
            render();
            rating.querySelector('button')?.focus();
          },
          (error: unknown) => {
            showError(describe(error));
            throw error;
          },
        ),
    });
  }

  function showError(message: string) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function hideError() {
    if (view !== 'unavailable') errorBox.hidden = true;
  }

  // ---- the entry form ----
  let fields: EntryFields = {};
  const hasForm = () =>
    !!config && (config.entryForm.name || config.entryForm.email || config.entryForm.question);

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
    receipts.reset();
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
    outbox.add(text);
    render();
    body.scrollTop = body.scrollHeight;
  }

  const typing = bindComposer(composer, textarea, send, api, chatOpen);

  // ---- receipts ----
  const panelVisible = () => !panel.hidden && document.visibilityState === 'visible';

  function sendReceipts() {
    if (chatOpen()) receipts.send(messages.all(), panelVisible());
  }

  // ---- realtime ----
  function connect() {
    if (socket || !storage.get().token) return;
    socket = openSocket(base, key, storage, {
      event: handleEvent,
      typing: (name) => {
        operatorTyping = name;
        renderTyping();
      },
      ready: (replayed) => {
        lost = false;
        // Without a sequence number to replay from, what happened before this socket comes from the snapshot.
        if (!replayed || snapshotMissing) void resync();
        void flush();
        sendReceipts();
        renderStatus();
      },
      down: () => {
        lost = true;
        renderStatus();
      },
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
        typing.reset();
      }
    } else {
      return;
    }
    render();
    sendReceipts();
  }

  endButton.addEventListener('click', () => {
    endButton.disabled = true;
    api
      .end()
      .then(() => {
        if (session) session = { ...session, state: 'ended' };
        typing.setTyping(false);
        render();
        focusFirst();
      })
      .catch((error: unknown) => showError(describe(error)))
      .finally(() => {
        endButton.disabled = false;
      });
  });
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
    fields = buildEntryForm(entryForm, config.entryForm, start);
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
