import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorText } from '../../../components/ui/error-text';
import {
  E164,
  fillTemplate,
  parameterCount,
  startWhatsAppSession,
  templateText,
  useContactChoices,
  useWhatsAppNumbers,
  useWhatsAppTemplates,
} from '../api/whatsapp';

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
  const [templateId, setTemplateId] = useState('');
  const [values, setValues] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const templates = useWhatsAppTemplates(accountId);
  const contacts = useContactChoices(to === 'contact' ? contactQuery : '');

  useEffect(() => {
    if (!accountId && numbers.data?.length) setAccountId(numbers.data[0]!.id);
  }, [numbers.data, accountId]);
  const template = templates.data?.find((x) => x.id === templateId);
  const text = template ? templateText(template) : null;
  const count = text ? parameterCount(text.body) : 0;
  useEffect(() => setValues((v) => Array.from({ length: count }, (_, i) => v[i] ?? '')), [count]);

  const phoneValid = E164.test(phone.replace(/[\s()-]/g, ''));
  const ready =
    Boolean(accountId && template) &&
    (to === 'phone' ? phoneValid : Boolean(contactId)) &&
    values.every((v) => v.trim().length > 0);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready || !template) return;
    setBusy(true);
    setError(null);
    try {
      const result = await startWhatsAppSession({
        channelAccountId: accountId,
        to: to === 'phone' ? { phone: phone.replace(/[\s()-]/g, '') } : { contactId },
        template: { name: template.name, language: template.language, parameters: values },
      });
      onOpened('session' in result ? result.session.id : result.id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
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
        <label>
          {t('whatsapp.template')}
          <select value={templateId} onChange={(e) => setTemplateId(e.target.value)} required>
            <option value="">{t('whatsapp.chooseTemplate')}</option>
            {templates.data?.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name} ({x.language})
              </option>
            ))}
          </select>
        </label>
        {values.map((value, i) => (
          <label key={i}>
            {t('whatsapp.parameter', { n: i + 1 })}
            <input
              value={value}
              maxLength={1024}
              onChange={(e) => setValues(values.map((v, j) => (j === i ? e.target.value : v)))}
            />
          </label>
        ))}
        {text && (
          <figure className="template-preview" aria-label={t('whatsapp.preview')}>
            <figcaption className="muted">{t('whatsapp.preview')}</figcaption>
            {text.header && <strong>{fillTemplate(text.header, values)}</strong>}
            <p className="pre" data-testid="template-preview">
              {fillTemplate(text.body, values)}
            </p>
            {text.footer && <small className="muted">{text.footer}</small>}
          </figure>
        )}
        <ErrorText error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={!ready || busy}>
            {t('whatsapp.send')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
