import type { StoredTemplate } from '../state/templates.js';
import { graphError } from './graph-error.js';

interface SuppliedParameter {
  type?: string;
  text?: string;
  payload?: string;
  parameter_name?: string;
  currency?: { fallback_value?: string };
  date_time?: { fallback_value?: string };
  [key: string]: unknown;
}

interface SuppliedComponent {
  type?: string;
  sub_type?: string;
  index?: string | number;
  parameters?: SuppliedParameter[];
}

const placeholder = /\{\{\s*([\w]+)\s*\}\}/g;

/** The distinct `{{n}}` variables of a template text, in order of first appearance. */
function variables(text: string | undefined): string[] {
  return [...new Set([...(text ?? '').matchAll(placeholder)].map((m) => m[1]!))];
}

function mismatch(where: string, got: number, expected: number) {
  return graphError('whatsapp', 132000, {
    details: `${where}: number of localizable_params (${got}) does not match the expected number of params (${expected})`,
  });
}

function formatError(where: string) {
  return graphError('whatsapp', 132012, {
    details: `${where}: Format mismatch, expected a different parameter type`,
  });
}

function parameterText(p: SuppliedParameter): string {
  if (p.type === 'currency') return p.currency?.fallback_value ?? '';
  if (p.type === 'date_time') return p.date_time?.fallback_value ?? '';
  return p.text ?? '';
}

/**
 * Checks the send's components against the template's ({{n}} counts, header media type, dynamic URL buttons)
 * and returns the rendered body text; throws 132000 or 132012 like Meta.
 */
export function checkTemplateParameters(template: StoredTemplate, supplied: unknown): string {
  const components = (Array.isArray(supplied) ? supplied : []) as SuppliedComponent[];
  const find = (type: string) => components.filter((c) => c.type?.toLowerCase() === type);
  const header = template.components.find((c) => c.type === 'HEADER');
  const body = template.components.find((c) => c.type === 'BODY');
  const buttons = template.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];

  const headerParams = find('header').flatMap((c) => c.parameters ?? []);
  if (!header || header.format === 'TEXT' || header.format === undefined) {
    const expected = variables(header?.text).length;
    if (headerParams.length !== expected) throw mismatch('header', headerParams.length, expected);
    if (headerParams.some((p) => p.type !== 'text')) throw formatError('header');
  } else {
    const kind = header.format.toLowerCase();
    if (headerParams.length !== 1) throw mismatch('header', headerParams.length, 1);
    const param = headerParams[0]!;
    if (param.type !== kind || typeof param[kind] !== 'object') throw formatError('header');
  }

  const bodyParams = find('body').flatMap((c) => c.parameters ?? []);
  const bodyVars = variables(body?.text);
  if (bodyParams.length !== bodyVars.length) throw mismatch('body', bodyParams.length, bodyVars.length);
  for (const p of bodyParams) {
    if (!['text', 'currency', 'date_time'].includes(p.type ?? '')) throw formatError('body');
    if (p.type === 'text' && typeof p.text !== 'string') throw formatError('body');
  }
  const named = template.parameterFormat === 'NAMED';
  if (named) {
    const given = bodyParams.map((p) => p.parameter_name);
    const missing = bodyVars.filter((v) => !given.includes(v));
    if (missing.length > 0 || given.some((g) => typeof g !== 'string' || !bodyVars.includes(g))) {
      throw graphError('whatsapp', 132000, {
        details: `body: parameter names do not match the template's {{${bodyVars.join('}}, {{')}}}`,
      });
    }
  }

  for (const supplied of find('button')) {
    const index = Number(supplied.index);
    const button = buttons[index];
    if (!button)
      throw mismatch(`button at index ${String(supplied.index)}`, supplied.parameters?.length ?? 0, 0);
    const expected =
      button.type === 'URL' ? variables(button.url).length : button.type === 'QUICK_REPLY' ? 1 : 0;
    const got = supplied.parameters?.length ?? 0;
    if (got !== expected) throw mismatch(`button at index ${index}`, got, expected);
  }
  buttons.forEach((button, index) => {
    if (button.type !== 'URL' || variables(button.url).length === 0) return;
    const given = find('button').some((c) => Number(c.index) === index);
    if (!given) throw mismatch(`button at index ${index}`, 0, variables(button.url).length);
  });

  let rendered = body?.text ?? '';
  bodyVars.forEach((name, i) => {
    const param = named ? bodyParams.find((p) => p.parameter_name === name)! : bodyParams[i]!;
    rendered = rendered.replaceAll(new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`, 'g'), parameterText(param));
  });
  return rendered;
}
