import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ChannelIcon } from '../../../components/ui/channel-icon';
import { ErrorText } from '../../../components/ui/error-text';
import { LinkedText } from '../../../components/ui/linked-text';
import { useSlots } from '../../../lib/slots';
import { useContact, useContactSessions, useUpdateContact, type Contact } from '../api/contacts';

/** The contact card (editable), identities, and previous sessions readable in place. */
export function ContactPanel({ contactId, sessionId }: { contactId: string; sessionId: string }) {
  const { t } = useTranslation();
  const contact = useContact(contactId);
  const [editing, setEditing] = useState(false);
  const slots = useSlots();
  return (
    <aside className="contact-panel" aria-label={t('contact.title')}>
      <h2>{t('contact.title')}</h2>
      <ErrorText error={contact.error} />
      {contact.data &&
        (editing ? (
          <ContactForm contact={contact.data} onDone={() => setEditing(false)} />
        ) : (
          <div className="contact-card">
            <dl>
              <dt>{t('contact.name')}</dt>
              <dd>{contact.data.name ?? '—'}</dd>
              <dt>{t('contact.email')}</dt>
              <dd>{contact.data.email ?? '—'}</dd>
              <dt>{t('contact.phone')}</dt>
              <dd>{contact.data.phone ?? '—'}</dd>
              <dt>{t('contact.note')}</dt>
              <dd className="pre">{contact.data.note ?? '—'}</dd>
            </dl>
            <button type="button" onClick={() => setEditing(true)}>
              {t('contact.edit')}
            </button>
          </div>
        ))}
      {contact.data && contact.data.identities.length > 0 && (
        <section>
          <h3>{t('contact.identities')}</h3>
          <ul className="identities">
            {contact.data.identities.map((i) => (
              <li key={i.id}>
                <span className="muted">{t(`identity.${i.kind}`, { defaultValue: i.kind })}</span> {i.value}
              </li>
            ))}
          </ul>
        </section>
      )}
      {slots.sessionFiles(sessionId)}
      <History contactId={contactId} currentSessionId={sessionId} />
    </aside>
  );
}

/** The contact card's fields, edited in place. */
export function ContactForm({ contact, onDone }: { contact: Contact; onDone: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateContact(contact.id);
  const [form, setForm] = useState({
    name: contact.name ?? '',
    email: contact.email ?? '',
    phone: contact.phone ?? '',
    note: contact.note ?? '',
  });
  const [error, setError] = useState<unknown>(null);
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [name]: e.target.value }),
  });
  async function submit(event: FormEvent) {
    event.preventDefault();
    const empty = (v: string) => (v.trim() ? v.trim() : null);
    try {
      await update({
        name: empty(form.name),
        email: empty(form.email),
        phone: empty(form.phone),
        note: empty(form.note),
      });
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <form className="contact-form" onSubmit={submit}>
      <label>
        {t('contact.name')}
        <input {...field('name')} maxLength={200} />
      </label>
      <label>
        {t('contact.email')}
        <input type="email" {...field('email')} maxLength={320} />
      </label>
      <label>
        {t('contact.phone')}
        <input type="tel" {...field('phone')} maxLength={32} />
      </label>
      <label>
        {t('contact.note')}
        <textarea {...field('note')} rows={3} maxLength={5000} />
      </label>
      <ErrorText error={error} />
      <div className="dialog-actions">
        <button type="button" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary">
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

function History({ contactId, currentSessionId }: { contactId: string; currentSessionId: string }) {
  const { t, i18n } = useTranslation();
  const sessions = useContactSessions(contactId);
  const previous = (sessions.data ?? []).filter((s) => s.id !== currentSessionId);
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section>
      <h3>{t('contact.history')}</h3>
      {sessions.data && previous.length === 0 && <p className="muted">{t('contact.noHistory')}</p>}
      <ul className="history">
        {previous.map((s) => (
          <li key={s.id}>
            <details>
              <summary>
                <ChannelIcon channel={s.channel} /> {date.format(new Date(s.queuedAt))} · {s.sourceName}
              </summary>
              <ol className="history-messages">
                {s.messages.map((m) => (
                  <li
                    key={m.id}
                    className={`msg ${m.direction} ${m.authorKind === 'system' ? 'system' : ''}`}
                  >
                    <span className="who">
                      {m.direction === 'in'
                        ? t('session.customer')
                        : (m.author?.name ?? t(`author.${m.authorKind}`, { defaultValue: m.authorKind }))}
                    </span>
                    {m.text ? <LinkedText text={m.text} /> : null}
                  </li>
                ))}
              </ol>
              {s.wrapupNote && <p className="muted pre">{s.wrapupNote}</p>}
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
