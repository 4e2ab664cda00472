import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
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
  const open = history.data?.some((s) => s.state !== 'ended') ?? false;

  return (
    <ConfirmDialog
      title={t('directory.eraseTitle', { name })}
      confirmLabel={t('directory.eraseConfirm')}
      danger
      disabled={open}
      action={async () => onErased(await erase(contact.id))}
      onClose={onClose}
    >
      <p>{t('directory.eraseExplain', { name })}</p>
      <ul className="erase-list">
        <li>{t('directory.eraseCard')}</li>
        {contact.identities.length > 0 && (
          <li>
            {t('directory.eraseIdentities', {
              count: contact.identities.length,
              kinds: [
                ...new Set(contact.identities.map((i) => t(`identity.${i.kind}`, { defaultValue: i.kind }))),
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
    </ConfirmDialog>
  );
}
