/**
 * The composer's keys and the customer's typing indicator: Enter sends (Shift+Enter breaks the line, an input
 * method's composition is left alone), typing is announced once and withdrawn after 3 s of quiet or on sending.
 */
export function bindComposer(
  composer: HTMLFormElement,
  textarea: HTMLTextAreaElement,
  send: (text: string) => void,
  api: { typing: (typing: boolean) => Promise<unknown> },
  chatOpen: () => boolean,
) {
  let own = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function setTyping(typing: boolean) {
    if (own === typing || !chatOpen()) return;
    own = typing;
    api.typing(typing).catch(() => undefined);
  }

  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text) return;
    textarea.value = '';
    clearTimeout(timer);
    setTyping(false);
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
    setTyping(true);
    clearTimeout(timer);
    timer = setTimeout(() => setTyping(false), 3000);
  });

  return {
    setTyping,
    /** The chat ended: the server dropped the indicator itself. */
    reset: () => {
      own = false;
    },
  };
}
