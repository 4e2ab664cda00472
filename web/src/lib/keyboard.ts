/** The workspace's keyboard shortcuts, in the order the help lists them (labels are `shortcuts.*` texts). */
export const shortcutList = [
  { keys: 'Alt+A', label: 'accept' },
  { keys: 'Enter', label: 'send' },
  { keys: 'Shift+Enter', label: 'newLine' },
  { keys: 'Alt+N', label: 'next' },
  { keys: 'Alt+E', label: 'end' },
  { keys: 'Escape', label: 'close' },
  { keys: '?', label: 'help' },
] as const;

/**
 * A page-wide shortcut waits while a modal dialog is open: the dialog has the keyboard, and accepting or switching
 * sessions behind it would change what the dialog is about.
 */
export function dialogOpen(): boolean {
  return document.querySelector('[role="dialog"][aria-modal="true"]') !== null;
}

/** The key goes into a text field (a plain "?" is typed, not a shortcut there). */
export function typingInField(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
