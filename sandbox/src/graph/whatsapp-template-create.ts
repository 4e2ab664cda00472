import type { SandboxContext } from '../context.js';
import type { TemplateCategory, TemplateComponent } from '../options.js';
import { graphError } from './graph-error.js';

const categories: TemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];

const invalid = (details: string) => graphError('whatsapp', 100, { details });

/**
 * `POST /{version}/{waba-id}/message_templates`: checks name, category and components like Meta's review
 * front door and stores the template as PENDING; the control API then approves or rejects it (with the
 * `message_template_status_update` webhook).
 */
export function createTemplate(ctx: SandboxContext, wabaId: string, body: Record<string, unknown>) {
  const { name, language, category } = body;
  if (typeof name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(name)) {
    throw invalid('Param name must contain only lowercase letters, numbers and underscores.');
  }
  if (typeof language !== 'string' || language.length === 0)
    throw invalid('The parameter language is required.');
  if (typeof category !== 'string' || !categories.includes(category as TemplateCategory)) {
    throw invalid(`Param category must be one of {${categories.join(', ')}}.`);
  }
  if (!Array.isArray(body.components)) throw invalid('The parameter components is required.');
  const components = (body.components as Record<string, unknown>[]).map((c) => ({
    ...c,
    type: String(c.type ?? '').toUpperCase(),
  })) as TemplateComponent[];
  const bodyComponent = components.find((c) => c.type === 'BODY');
  if (!bodyComponent || typeof bodyComponent.text !== 'string')
    throw invalid('A BODY component with text is required.');
  if (bodyComponent.text.length > 1024) throw invalid('Body text must be at most 1024 characters.');
  const parameterFormat = body.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL';
  const names = [...bodyComponent.text.matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)].map((m) => m[1]!);
  if (parameterFormat === 'NAMED') {
    if (names.some((n) => !/^[a-z][a-z0-9_]*$/.test(n))) {
      throw invalid('Named variables must be lowercase letters, numbers and underscores.');
    }
  } else {
    const distinct = [...new Set(names.map(Number))].sort((a, b) => a - b);
    if (distinct.some((n, i) => n !== i + 1))
      throw invalid('Variables must be sequential, starting at {{1}}.');
  }
  if (/^\s*\{\{/.test(bodyComponent.text) || /\}\}\s*$/.test(bodyComponent.text)) {
    throw invalid('Variables can not be at the start or end of the template body.');
  }
  if (ctx.templates.find(wabaId, name, language)) {
    throw invalid(`Content in this language already exists for template ${name}.`);
  }
  const template = ctx.templates.add({
    wabaId,
    name,
    language,
    category: category as TemplateCategory,
    status: 'PENDING',
    parameterFormat,
    components,
  });
  return { id: template.id, status: template.status, category: template.category };
}
