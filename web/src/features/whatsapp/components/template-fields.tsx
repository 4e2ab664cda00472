import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import {
  fillTemplate,
  parameterCount,
  templateText,
  useWhatsAppTemplates,
  type WhatsAppTemplate,
} from '../api/whatsapp';

export interface TemplateChoice {
  templateId: string;
  values: string[];
}

/** The chosen template, and whether every parameter it asks for is filled. */
export function useTemplateChoice(channelAccountId: string, choice: TemplateChoice) {
  const templates = useWhatsAppTemplates(channelAccountId);
  const template: WhatsAppTemplate | undefined = templates.data?.find((x) => x.id === choice.templateId);
  const ready = Boolean(template) && choice.values.every((v) => v.trim().length > 0);
  return { templates, template, ready };
}

/** An approved template of the number, its parameters, and a live preview of what the customer will read. */
export function TemplateFields({
  channelAccountId,
  choice,
  onChange,
}: {
  channelAccountId: string;
  choice: TemplateChoice;
  onChange: (choice: TemplateChoice) => void;
}) {
  const { t } = useTranslation();
  const { templates, template } = useTemplateChoice(channelAccountId, choice);
  const text = template ? templateText(template) : null;
  const count = text ? parameterCount(text.body) : 0;
  const { values } = choice;
  useEffect(() => {
    if (values.length !== count)
      onChange({ ...choice, values: Array.from({ length: count }, (_, i) => values[i] ?? '') });
  }, [count, values.length]);

  return (
    <>
      <label>
        {t('whatsapp.template')}
        <select
          value={choice.templateId}
          onChange={(e) => onChange({ ...choice, templateId: e.target.value })}
          required
        >
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
            onChange={(e) =>
              onChange({ ...choice, values: values.map((v, j) => (j === i ? e.target.value : v)) })
            }
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
    </>
  );
}
