import type { SandboxContext } from '../context.js';
import type { TemplateStatus } from '../options.js';

/** Changes a template's status and sends the `message_template_status_update` webhook. */
export async function changeTemplateStatus(
  ctx: SandboxContext,
  input: { name: string; language: string; status: TemplateStatus; reason?: string },
) {
  const template = ctx.templates.all.find((t) => t.name === input.name && t.language === input.language);
  if (!template) throw new Error(`no template ${input.name} (${input.language})`);
  template.status = input.status;
  const number = ctx.options.numbers.find((n) => n.wabaId === template.wabaId);
  await ctx.emitter.emit([
    {
      product: 'whatsapp',
      phoneNumberId: number?.phoneNumberId ?? template.wabaId,
      field: 'message_template_status_update',
      value: {
        event: input.status,
        message_template_id: Number(template.id),
        message_template_name: template.name,
        message_template_language: template.language,
        reason: input.reason ?? 'NONE',
        message_template_category: template.category,
      },
    },
  ]);
  return { id: template.id, status: template.status };
}
