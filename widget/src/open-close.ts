/**
 * Opening and closing the panel: the launcher toggles it, × and Escape close it. Opening moves focus into the
 * panel (to `focusTarget`, else ×), closing gives it back to the launcher.
 */
export function bindOpenClose(
  panel: HTMLElement,
  launcher: HTMLElement,
  closeButton: HTMLElement,
  focusTarget: () => HTMLElement | null,
  changed: (open: boolean) => void,
) {
  function focusFirst() {
    if (!panel.hidden) (focusTarget() ?? closeButton).focus();
  }

  function setOpen(open: boolean, moveFocus = true) {
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    changed(open);
    if (!moveFocus) return;
    if (open) focusFirst();
    else launcher.focus();
  }

  launcher.addEventListener('click', () => setOpen(!!panel.hidden));
  closeButton.addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      setOpen(false);
    }
  });
  return { setOpen, focusFirst };
}
