import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorText } from '../../../components/ui/error-text';
import type { TemplateSenderProps } from '../../../lib/slots';
import { sendSessionTemplate } from '../api/whatsapp';
import { TemplateFields, useTemplateChoice, type TemplateChoice } from './template-fields';

/**
 * In a WhatsApp session whose window has closed, the composer offers this instead of free text: an approved
 * template with its parameters and preview. The message and the lock that follows arrive as events.
 */
export function SessionTemplateSender({ sessionId, channel, channelAccountId }: TemplateSenderProps) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState<TemplateChoice>({ templateId: '', values: [] });
  const sending = useMutation({
    mutationFn: (body: Parameters<typeof sendSessionTemplate>[1]) => sendSessionTemplate(sessionId, body),
    onSuccess: () => setChoice({ templateId: '', values: [] }),
  });
  const account = channel === 'whatsapp' ? channelAccountId : '';
  const { template, ready } = useTemplateChoice(account, choice);
  if (channel !== 'whatsapp') return null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!template || !ready) return;
    sending.mutate({
      name: template.name,
      language: template.language,
      parameters: choice.values,
      // One send, however often the button is pressed or the request repeated.
      clientMessageId: `tpl-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    });
  }

  return (
    <form className="template-sender" aria-label={t('whatsapp.sendInSession')} onSubmit={submit}>
      <TemplateFields channelAccountId={channelAccountId} choice={choice} onChange={setChoice} />
      <ErrorText error={sending.error} />
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={!ready || sending.isPending}>
          {t('whatsapp.send')}
        </button>
      </div>
    </form>
  );
}
