import { h } from './dom';

/**
 * The end of a chat: 1–5 stars and an optional comment, or thanks once rated; and a button for a new chat.
 * `rate` resolves when the server took the rating.
 */
export function renderRating(
  container: HTMLElement,
  options: {
    rated: boolean;
    stars: number;
    setStars: (n: number) => void;
    rate: (stars: number, comment: string | undefined) => Promise<void>;
    startOver: () => void;
  },
) {
  const newChat = h('button', { type: 'button', class: 'primary' }, 'Start a new chat');
  newChat.addEventListener('click', options.startOver);
  if (options.rated) {
    container.replaceChildren(h('p', {}, 'Thank you for your feedback.'), newChat);
    return;
  }
  let stars = options.stars;
  const starRow = h('div', { class: 'stars', role: 'group', 'aria-label': 'Rate this chat' });
  const submit = h('button', { type: 'submit', class: 'primary', disabled: stars === 0 }, 'Send rating');
  for (let n = 1; n <= 5; n++) {
    const star = h(
      'button',
      { type: 'button', 'aria-label': `${n} star${n > 1 ? 's' : ''}`, 'aria-pressed': String(n <= stars) },
      '★',
    );
    star.addEventListener('click', () => {
      stars = n;
      options.setStars(n);
      starRow.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-pressed', String(i < n)));
      submit.disabled = false;
    });
    starRow.append(star);
  }
  const comment = h('textarea', { rows: '2', maxlength: '2000' });
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
    options.rate(stars, comment.value.trim() || undefined).catch(() => {
      submit.disabled = false;
    });
  });
  container.replaceChildren(form, newChat);
}
