type Child = Node | string | null | undefined | false;

/**
 * Builds an element. Strings become text nodes and attributes are set one by one, so nothing a customer or an
 * operator wrote is ever parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

const LINK = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Text with its http(s) links as anchors that open in a new tab; everything else stays text. */
export function richText(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    // Punctuation after a link usually ends the sentence, not the link.
    const raw = match[0].replace(/[.,;:!?)\]}'"]+$/, '');
    const start = match.index;
    fragment.append(text.slice(last, start));
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
      const anchor = h('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer' });
      anchor.textContent = raw;
      fragment.append(anchor);
    } else {
      fragment.append(raw);
    }
    last = start + raw.length;
  }
  fragment.append(text.slice(last));
  return fragment;
}
