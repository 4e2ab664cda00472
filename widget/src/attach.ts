import { checkUpload } from '@switchboard/server/check-upload';
import type { SendReply, WidgetConfig } from './api';
import { h } from './dom';
import { currentPageUrl, newClientMessageId } from './storage';

/**
 * The composer's "Attach files": several at once, each checked against the widget's limits and blocked types
 * before anything is sent (a refused file is named with its reason), the rest sent as one message with a
 * progress bar. The server checks the bytes again.
 */
export function createAttach(options: {
  config: () => WidgetConfig | null;
  /** Makes sure there is a visitor (a first upload starts the chat). */
  ensureVisitor: () => Promise<boolean>;
  upload: (form: FormData, onProgress: (fraction: number) => void) => Promise<SendReply>;
  sent: (reply: SendReply) => void;
  refused: (reasons: string[]) => void;
  failed: (error: unknown) => void;
}) {
  const input = h('input', {
    type: 'file',
    multiple: true,
    hidden: true,
    'aria-hidden': 'true',
    tabindex: '-1',
  });
  const button = h('button', { type: 'button', class: 'icon', 'aria-label': 'Attach files' }, '📎');
  const bar = h('progress', { max: '1', value: '0', 'aria-label': 'Upload progress' });
  const label = h('span', {});
  const progress = h('div', { class: 'upload', role: 'status', hidden: true }, label, bar);

  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const picked = [...(input.files ?? [])];
    input.value = '';
    void send(picked);
  });

  async function send(picked: File[]) {
    const config = options.config();
    if (!config || picked.length === 0) return;
    const rules = { blocked: config.files.blockedFileTypes, maxBytes: config.files.maxUploadBytes };
    const reasons: string[] = [];
    const accepted = picked.filter((file) => {
      const check = checkUpload({ name: file.name, size: file.size, declaredType: file.type }, rules);
      if (!check.ok) reasons.push(check.message);
      return check.ok;
    });
    const max = config.files.maxFilesPerMessage;
    if (accepted.length > max) {
      reasons.push(`At most ${max} files can be sent at once`);
      accepted.splice(max);
    }
    options.refused(reasons);
    if (accepted.length === 0 || !(await options.ensureVisitor())) return;

    const form = new FormData();
    form.append('clientMessageId', newClientMessageId());
    const pageUrl = currentPageUrl();
    if (pageUrl) form.append('pageUrl', pageUrl);
    for (const file of accepted) form.append('file', file, file.name);
    label.textContent = `Sending ${accepted.length === 1 ? accepted[0]!.name : `${accepted.length} files`}…`;
    bar.value = 0;
    progress.hidden = false;
    button.disabled = true;
    try {
      options.sent(await options.upload(form, (fraction) => (bar.value = fraction)));
    } catch (error) {
      options.failed(error);
    } finally {
      progress.hidden = true;
      button.disabled = false;
    }
  }

  return { button, input, progress };
}
