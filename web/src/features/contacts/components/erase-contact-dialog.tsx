import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { useContactSessions, useEraseContact, type Contact, type EraseResult } from '../api/contacts';

/**
 * Erasing a contact on request (GDPR): says what goes and what stays before the administrator confirms. The
 * server refuses while the contact is in an open session; the dialog says so beforehand where it knows.
 */
export function EraseContactDialog({
  contact,
  name,
  onClose,
  onErased,
}: {
  contact: Contact;
  name: string;
  onClose: () => void;
  onErased: (result: EraseResult) => void;
}) {
  const { t } = useTranslation();
  const history = useContactSessions(contact.id);
  const erase = useEraseContact();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const open = history.data?.some((s) => s.state !== 'ended') ?? false;

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      onErased(await erase(contact.id));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('directory.eraseTitle', { name })} onClose={onClose}>
      <div className="dialog-body">
        <p>{t('directory.eraseExplain', { name })}</p>
        <ul className="erase-list">
          <li>{t('directory.eraseCard')}</li>
          {contact.identities.length > 0 && (
            <li>
              {t('directory.eraseIdentities', {
                count: contact.identities.length,
                kinds: [
                  ...new Set(
                    contact.identities.map((i) => t(`identity.${i.kind}`, { defaultValue: i.kind })),
                  ),
                ].join(', '),
              })}
            </li>
          )}
          <li>{t('directory.eraseMessages')}</li>
          <li>{t('directory.eraseBlacklist')}</li>
        </ul>
        <p className="muted">{t('directory.eraseKeeps')}</p>
        <p>
          <strong>{t('directory.eraseFinal')}</strong>
        </p>
        {open && (
          <p className="error" role="alert">
            {t('directory.eraseOpen')}
          </p>
        )}
        <ErrorText error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="primary danger"
            disabled={busy || open}
            onClick={() => void confirm()}
          >
            {t('directory.eraseConfirm')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
