import type { SandboxContext } from '../context.js';
import { graphError } from './graph-error.js';

const cursor = (index: number) => Buffer.from(`tpl:${index}`).toString('base64url');
const fromCursor = (value: string) => {
  const match = /^tpl:(\d+)$/.exec(Buffer.from(value, 'base64url').toString());
  if (!match) throw graphError('whatsapp', 100, { details: 'Invalid cursor.' });
  return Number(match[1]);
};

/**
 * `GET /{version}/{waba-id}/message_templates` with `limit`, `after`/`before` cursors, `status` and `name`
 * filters; `paging.next` is a full URL as Meta gives it.
 */
export function listTemplates(
  ctx: SandboxContext,
  wabaId: string,
  query: Record<string, string | undefined>,
  selfUrl: string,
) {
  let templates = ctx.templates.forWaba(wabaId);
  if (query.status) templates = templates.filter((t) => t.status === query.status!.toUpperCase());
  if (query.name) templates = templates.filter((t) => t.name.includes(query.name!));
  const limit = Math.min(Math.max(Number(query.limit ?? 25) || 25, 1), 100);
  let start = 0;
  if (query.after) start = fromCursor(query.after) + 1;
  else if (query.before) start = Math.max(0, fromCursor(query.before) - limit);
  const page = templates.slice(start, start + limit);
  const data = page.map((t) => ({
    name: t.name,
    parameter_format: t.parameterFormat ?? 'POSITIONAL',
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    id: t.id,
  }));
  if (page.length === 0) return { data };
  const after = cursor(start + page.length - 1);
  const before = cursor(start);
  const paging: Record<string, unknown> = { cursors: { before, after } };
  const link = (key: 'after' | 'before', value: string) => {
    const url = new URL(selfUrl);
    url.searchParams.delete('after');
    url.searchParams.delete('before');
    url.searchParams.set('limit', String(limit));
    url.searchParams.set(key, value);
    return url.toString();
  };
  if (start + page.length < templates.length) paging.next = link('after', after);
  if (start > 0) paging.previous = link('before', before);
  return { data, paging };
}
