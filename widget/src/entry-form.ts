import type { WidgetConfig } from './api';
import { h } from './dom';

export interface EntryFields {
  name?: HTMLInputElement;
  email?: HTMLInputElement;
  question?: HTMLTextAreaElement;
}

/** The optional form before a chat: the fields the channel account asks for. `start` resolves when done. */
export function buildEntryForm(
  form: HTMLFormElement,
  wanted: WidgetConfig['entryForm'],
  start: (input: { name?: string; email?: string; question?: string }) => Promise<unknown>,
): EntryFields {
  const fields: EntryFields = {};
  const startButton = h('button', { type: 'submit', class: 'primary' }, 'Start chat');
  const rows: HTMLElement[] = [];
  if (wanted.name) {
    fields.name = h('input', { type: 'text', autocomplete: 'name', maxlength: '200' });
    rows.push(h('label', {}, 'Your name', fields.name));
  }
  if (wanted.email) {
    fields.email = h('input', { type: 'email', autocomplete: 'email', maxlength: '320' });
    rows.push(h('label', {}, 'E-mail', fields.email));
  }
  if (wanted.question) {
    fields.question = h('textarea', { rows: '3', required: true, maxlength: '4000' });
    rows.push(h('label', {}, 'Your question', fields.question));
  }
  form.replaceChildren(...rows, startButton);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    startButton.disabled = true;
    const name = fields.name?.value.trim();
    const email = fields.email?.value.trim();
    const question = fields.question?.value.trim();
    void start({
      ...(name ? { name } : {}),
      ...(email ? { email } : {}),
      ...(question ? { question } : {}),
    }).finally(() => {
      startButton.disabled = false;
    });
  });
  return fields;
}
