import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import { E164, startWhatsAppSession, useContactChoices, useWhatsAppNumbers } from '../api/whatsapp';
import { TemplateFields, useTemplateChoice, type TemplateChoice } from './template-fields';

/**
 * "New session → WhatsApp": the tenant's number, the customer's phone (E.164, checked here) or a contact, an
 * approved template with its parameters and a live preview. The opened session waits for the customer's reply.
 */
export function NewWhatsAppSession({
  onClose,
  onOpened,
}: {
  onClose: () => void;
  onOpened: (sessionId: string) => void;
}) {
  const { t } = useTranslation();
  const numbers = useWhatsAppNumbers();
  const [accountId, setAccountId] = useState('');
  const [to, setTo] = useState<'phone' | 'contact'>('phone');
  const [phone, setPhone] = useState('');
  const [contactQuery, setContactQuery] = useState('');
  const [contactId, setContactId] = useState('');
  const [choice, setChoice] = useState<TemplateChoice>({ templateId: '', values: [] });
  const opening = useMutation({
    mutationFn: startWhatsAppSession,
    onSuccess: (result) => onOpened('session' in result ? result.session.id : result.id),
  });
  const { template, ready: templateReady } = useTemplateChoice(accountId, choice);
  const contacts = useContactChoices(to === 'contact' ? contactQuery : '');

  useEffect(() => {
    if (!accountId && numbers.data?.length) setAccountId(numbers.data[0]!.id);
  }, [numbers.data, accountId]);

  const phoneValid = E164.test(phone.replace(/[\s()-]/g, ''));
  const ready = Boolean(accountId) && templateReady && (to === 'phone' ? phoneValid : Boolean(contactId));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready || !template) return;
    opening.mutate({
      channelAccountId: accountId,
      to: to === 'phone' ? { phone: phone.replace(/[\s()-]/g, '') } : { contactId },
      template: { name: template.name, language: template.language, parameters: choice.values },
    });
  }

  return (
    <Dialog title={t('whatsapp.title')} onClose={onClose} className="wide">
      <form className="dialog-body" onSubmit={submit}>
        {/* No number to list (none connected, or no access): say so rather than "not found". */}
        {(numbers.error as { status?: number } | null)?.status === 404 ? (
          <p role="alert" className="error">
            {t('whatsapp.noNumbers')}
          </p>
        ) : (
          <ErrorText error={numbers.error} />
        )}
        <label>
          {t('whatsapp.number')}
          <select value={accountId} onChange={(e) => setAccountId(e.target.value)} required>
            {numbers.data?.length === 0 && <option value="">{t('whatsapp.noNumbers')}</option>}
            {numbers.data?.map((n) => (
              <option key={n.id} value={n.id}>
                {n.name}
                {n.displayPhoneNumber ? ` (+${n.displayPhoneNumber})` : ''}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>{t('whatsapp.to')}</legend>
          <label className="reason">
            <input type="radio" name="to" checked={to === 'phone'} onChange={() => setTo('phone')} />
            {t('whatsapp.byPhone')}
          </label>
          <label className="reason">
            <input type="radio" name="to" checked={to === 'contact'} onChange={() => setTo('contact')} />
            {t('whatsapp.byContact')}
          </label>
        </fieldset>
        {to === 'phone' ? (
          <label>
            {t('whatsapp.phone')}
            <input
              type="tel"
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
              placeholder="+420601234567"
              aria-invalid={phone.length > 0 && !phoneValid}
              aria-describedby="wa-phone-hint"
              maxLength={24}
            />
            <span id="wa-phone-hint" className={phone && !phoneValid ? 'error' : 'muted'}>
              {phone && !phoneValid ? t('whatsapp.phoneInvalid') : t('whatsapp.phoneHint')}
            </span>
          </label>
        ) : (
          <>
            <label>
              {t('whatsapp.findContact')}
              <input type="search" value={contactQuery} onChange={(e) => setContactQuery(e.target.value)} />
            </label>
            <div className="reasons">
              {contacts.data?.map((c) => (
                <label key={c.id} className="reason">
                  <input
                    type="radio"
                    name="contact"
                    checked={contactId === c.id}
                    onChange={() => setContactId(c.id)}
                  />
                  {c.name ?? t('common.unknownContact')} <span className="muted">{c.phone ?? ''}</span>
                </label>
              ))}
            </div>
          </>
        )}
        <TemplateFields channelAccountId={accountId} choice={choice} onChange={setChoice} />
        <ErrorText error={opening.error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={!ready || opening.isPending}>
            {t('whatsapp.send')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
