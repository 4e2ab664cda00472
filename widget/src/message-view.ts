import type { VisitorFile, VisitorMessage } from '@switchboard/server/events';
import { formatBytes } from '@switchboard/server/check-upload';
import { h, richText } from './dom';
import type { createFileLinks } from './file-links';
import type { Outgoing } from './storage';

type Links = ReturnType<typeof createFileLinks>;

export function tick(status: 'sending' | 'sent' | 'read' | 'failed', label: string) {
  const marks = { sending: '🕓', sent: '✓', read: '✓✓', failed: '!' }[status];
  return h('span', { class: 'tick', 'data-status': status }, `${marks} ${label}`);
}

export function bubble(text: string) {
  const element = h('div', { class: 'bubble' });
  element.append(richText(text));
  return element;
}

/**
 * A file in the timeline: an image as its thumbnail (once made), anything else as name and size; both open the
 * file by its signed link in a new tab. A blocked file shows its name and that it was not accepted.
 */
function fileItem(file: VisitorFile, links: Links): HTMLElement {
  const label = `${file.name}${file.size !== null ? ` (${formatBytes(file.size)})` : ''}`;
  if (file.status !== 'stored')
    return h(
      'div',
      { class: 'file refused' },
      `${file.name}: ${file.status === 'blocked' ? 'not accepted' : 'not available'}`,
    );
  const link = links.get(file);
  if (!link) return h('div', { class: 'file' }, label);
  const anchor = h('a', {
    class: 'file',
    href: link.url,
    target: '_blank',
    rel: 'noopener noreferrer',
    download: file.name,
  });
  if (file.thumbnail && link.thumbnailUrl) {
    anchor.append(
      h('img', {
        src: link.thumbnailUrl,
        alt: file.name,
        width: String(file.thumbnail.width),
        height: String(file.thumbnail.height),
      }),
    );
  } else {
    anchor.append(label);
  }
  return anchor;
}

function files(message: VisitorMessage, links: Links) {
  if (!message.files?.length) return null;
  return h('div', { class: 'files' }, ...message.files.map((f) => fileItem(f, links)));
}

/** One message of the timeline, as the customer sees it. */
export function messageItem(message: VisitorMessage, links: Links) {
  const text = message.text ?? '';
  if (message.authorKind === 'system') return h('li', { class: 'msg system' }, text);
  if (message.authorKind === 'operator')
    return h(
      'li',
      { class: 'msg operator', 'data-message-id': message.id },
      h('span', { class: 'author' }, message.authorName ?? 'Operator'),
      text && bubble(text),
      files(message, links),
    );
  const read = message.status === 'read';
  return h(
    'li',
    { class: 'msg customer', 'data-message-id': message.id },
    text && bubble(text),
    files(message, links),
    tick(read ? 'read' : 'sent', read ? 'Read' : 'Sent'),
  );
}

/** The customer's messages not yet stored: queued ones (sending, unless already echoed back) and refused ones. */
export function pendingItems(
  queued: Outgoing[],
  failed: Array<Outgoing & { reason: string }>,
  echoed: (clientMessageId: string) => boolean,
) {
  const item = (text: string, status: 'sending' | 'failed', label: string) =>
    h('li', { class: 'msg customer' }, bubble(text), tick(status, label));
  return [
    ...queued.filter((q) => !echoed(q.clientMessageId)).map((q) => item(q.text, 'sending', 'Sending…')),
    ...failed.map((f) => item(f.text, 'failed', `Not sent: ${f.reason}`)),
  ];
}
