import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../components/ui/dialog';
import { dialogOpen, shortcutList, typingInField } from '../lib/keyboard';

/** The header's "Keyboard shortcuts" button and the list it opens; "?" opens it too. */
export function ShortcutsHelp() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key !== '?' || event.altKey || event.ctrlKey || event.metaKey) return;
      if (typingInField(event) || dialogOpen()) return;
      event.preventDefault();
      setOpen(true);
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      <button
        type="button"
        className="shortcuts-button"
        onClick={() => setOpen(true)}
        aria-keyshortcuts="?"
        title={t('shortcuts.title')}
      >
        <span aria-hidden="true">⌨</span> <span className="sr-only">{t('shortcuts.title')}</span>
      </button>
      {open && (
        <Dialog title={t('shortcuts.title')} onClose={() => setOpen(false)}>
          <div className="dialog-body">
            <table className="shortcuts" aria-label={t('shortcuts.title')}>
              <tbody>
                {shortcutList.map((s) => (
                  <tr key={s.keys}>
                    <th scope="row">
                      <kbd>{s.keys}</kbd>
                    </th>
                    <td>{t(`shortcuts.${s.label}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Dialog>
      )}
    </>
  );
}
