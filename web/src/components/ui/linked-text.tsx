import { Fragment } from 'react';

const urlPattern = /\bhttps?:\/\/[^\s<>"']+/gi;

/**
 * Customer or operator text as React text nodes; only http(s) addresses become links. Nothing is ever parsed
 * as markup.
 */
export function LinkedText({ text }: { text: string }) {
  const parts: Array<string | { href: string }> = [];
  let last = 0;
  for (const match of text.matchAll(urlPattern)) {
    let href = match[0];
    // Trailing punctuation belongs to the sentence, not the address.
    const trail = /[.,;:!?)\]]+$/.exec(href)?.[0] ?? '';
    href = href.slice(0, href.length - trail.length);
    const start = match.index;
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ href });
    last = start + href.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (
    <>
      {parts.map((part, i) =>
        typeof part === 'string' ? (
          <Fragment key={i}>{part}</Fragment>
        ) : (
          <a key={i} href={safeHref(part.href)} target="_blank" rel="noopener noreferrer">
            {part.href}
          </a>
        ),
      )}
    </>
  );
}

function safeHref(href: string): string {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '#';
  } catch {
    return '#';
  }
}
