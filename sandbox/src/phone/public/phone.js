/* global document, location, history */
// The customer phone: plays a simulated WhatsApp or Messenger customer through the sandbox's control API.
// Everything a customer or the business wrote is rendered with textContent, never as HTML.

const api = '/_sandbox';
const $ = (id) => document.getElementById(id);
const state = { customers: [], current: undefined, replyTo: undefined, lastRender: '' };

async function call(method, path, body) {
  const response = await fetch(api + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function showError(error) {
  const el = $('error');
  el.textContent = error ? String(error.message || error) : '';
  el.hidden = !error;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function loadCustomers() {
  const { data } = await call('GET', '/customers');
  state.customers = data;
  const select = $('customer');
  select.replaceChildren();
  for (const c of data) {
    const option = el('option', '', `${c.product === 'whatsapp' ? 'WhatsApp' : 'Messenger'} · ${c.name}`);
    option.value = `${c.product}:${c.id}`;
    select.append(option);
  }
  const fromHash = decodeURIComponent(location.hash.slice(1));
  if (fromHash && data.some((c) => `${c.product}:${c.id}` === fromHash)) select.value = fromHash;
  selectCustomer(select.value);
}

function selectCustomer(value) {
  state.current = state.customers.find((c) => `${c.product}:${c.id}` === value);
  state.replyTo = undefined;
  state.lastRender = '';
  $('replying').hidden = true;
  history.replaceState(null, '', `#${encodeURIComponent(value)}`);
  refresh();
}

function ticks(message) {
  if (message.status === 'failed')
    return { text: `⚠ ${message.error ? message.error.code : ''}`, cls: 'failed' };
  if (message.status === 'read' || message.status === 'played') return { text: '✓✓', cls: 'read' };
  if (message.status === 'delivered') return { text: '✓✓', cls: '' };
  if (message.status === 'sent') return { text: '✓', cls: '' };
  return { text: '🕓', cls: '' };
}

function render(view) {
  const fingerprint = JSON.stringify(view);
  if (fingerprint === state.lastRender) return;
  state.lastRender = fingerprint;
  const list = $('messages');
  const byId = new Map(view.messages.map((m) => [m.id, m]));
  list.replaceChildren();
  for (const m of view.messages) {
    const bubble = el('div', `msg ${m.direction}`);
    bubble.dataset.id = m.id;
    bubble.dataset.testid = m.direction === 'inbound' ? 'customer-message' : 'business-message';
    if (m.replyTo) bubble.append(el('div', 'quote', byId.get(m.replyTo)?.text || 'Quoted message'));
    if (m.mediaUrl) {
      if ((m.mimeType || '').startsWith('image/') || m.type === 'image' || m.type === 'sticker') {
        const img = document.createElement('img');
        img.src = m.mediaUrl;
        img.alt = m.filename || m.type;
        bubble.append(img);
      } else {
        const link = el('a', '', `📄 ${m.filename || m.type}`);
        link.href = m.mediaUrl;
        link.target = '_blank';
        link.rel = 'noopener';
        bubble.append(link);
      }
    }
    if (m.text) bubble.append(el('div', 'text', m.text));
    const meta = el('div', 'meta');
    const reactions = [m.reactions.business, m.reactions.customer].filter(Boolean).join(' ');
    if (reactions) meta.append(el('span', 'reactions', reactions));
    meta.append(
      el('span', '', new Date(m.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
    );
    if (m.direction === 'outbound') {
      const t = ticks(m);
      const span = el('span', `ticks ${t.cls}`, t.text);
      span.dataset.testid = 'ticks';
      span.title = m.status;
      meta.append(span);
    } else {
      // The customer's own messages: grey ticks once delivered to the business, blue once it marked them read.
      meta.append(el('span', `ticks ${m.status === 'read' ? 'read' : ''}`, '✓✓'));
    }
    const actions = el('span', 'actions');
    const reply = el('button', '', '↩');
    reply.type = 'button';
    reply.title = 'Reply';
    reply.addEventListener('click', () => startReply(m));
    actions.append(reply);
    for (const emoji of ['👍', '❤️', '😂']) {
      const react = el('button', '', emoji);
      react.type = 'button';
      react.title = `React ${emoji}`;
      react.dataset.react = emoji;
      react.addEventListener('click', () => sendReaction(m, emoji).catch(showError));
      actions.append(react);
    }
    meta.append(actions);
    bubble.append(meta);
    list.append(bubble);
  }
  list.scrollTop = list.scrollHeight;
  $('typing').hidden = !view.typing;
}

function startReply(message) {
  state.replyTo = message.id;
  $('replying-text').textContent = `Replying to: ${message.text || message.type}`;
  $('replying').hidden = false;
  $('text').focus();
}

function windowText(customer) {
  if (!customer.windowOpenUntil)
    return 'No customer-service window yet: the business can only send templates.';
  return `Window open until ${new Date(customer.windowOpenUntil).toLocaleString()}`;
}

async function refresh() {
  const c = state.current;
  if (!c) return;
  try {
    const query = `product=${c.product}&customer=${encodeURIComponent(c.id)}&account=${encodeURIComponent(c.account)}`;
    const view = await call('GET', `/conversation?${query}`);
    const unread = view.messages.some(
      (m) => m.direction === 'outbound' && (m.status === 'sent' || m.status === 'delivered'),
    );
    if (unread && document.visibilityState === 'visible') {
      await call('POST', '/read', { product: c.product, customer: c.id, account: c.account });
      return refresh();
    }
    render(view);
    $('window').textContent = windowText(c);
    showError(undefined);
  } catch (error) {
    showError(error);
  }
}

async function inbound(body) {
  const c = state.current;
  if (c.product === 'whatsapp')
    await call('POST', '/whatsapp/inbound', { from: c.id, phone_number_id: c.account, ...body.whatsapp });
  else await call('POST', '/messenger/inbound', { psid: c.id, page_id: c.account, ...body.messenger });
  const { data } = await call('GET', '/customers');
  state.customers = data;
  state.current = data.find((x) => x.product === c.product && x.id === c.id);
  await refresh();
}

async function sendText(text) {
  const replyTo = state.replyTo;
  state.replyTo = undefined;
  $('replying').hidden = true;
  await inbound({
    whatsapp: { type: 'text', text: { body: text }, ...(replyTo ? { reply_to: replyTo } : {}) },
    messenger: { text, ...(replyTo ? { reply_to: replyTo } : {}) },
  });
}

// Messenger names the reactions it knows (smile, angry, sad, wow, love, like, dislike); the rest are "other".
const messengerReactions = {
  '👍': 'like',
  '👎': 'dislike',
  '❤️': 'love',
  '😆': 'smile',
  '😮': 'wow',
  '😢': 'sad',
  '😠': 'angry',
};

async function sendReaction(message, emoji) {
  await inbound({
    whatsapp: { type: 'reaction', reaction: { message_id: message.id, emoji } },
    messenger: {
      kind: 'reaction',
      reaction: { reaction: messengerReactions[emoji] || 'other', emoji, action: 'react', mid: message.id },
    },
  });
}

function kindOf(mime) {
  if (mime === 'image/webp') return 'sticker';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
}

async function sendFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const payload = {
    filename: file.name,
    mime_type: file.type || 'application/octet-stream',
    base64: btoa(binary),
  };
  const kind = kindOf(payload.mime_type);
  const media = kind === 'document' ? { filename: file.name } : {};
  await inbound({
    whatsapp: { type: kind, [kind]: media, file: payload },
    messenger: {
      attachments: [{ type: kind === 'document' || kind === 'sticker' ? 'file' : kind, file: payload }],
    },
  });
}

$('customer').addEventListener('change', (event) => selectCustomer(event.target.value));
$('cancel-reply').addEventListener('click', () => {
  state.replyTo = undefined;
  $('replying').hidden = true;
});
$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('text');
  const text = input.value.trim();
  if (!text || !state.current) return;
  input.value = '';
  sendText(text).catch(showError);
});
$('file').addEventListener('change', (event) => {
  const file = event.target.files[0];
  event.target.value = '';
  if (file && state.current) sendFile(file).catch(showError);
});

loadCustomers().catch(showError);
setInterval(refresh, 1000);
