import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

export interface Template {
  id: string;
  name: string;
  body: string;
  /** Only for this group; null for the whole tenant. */
  groupId: string | null;
  createdAt: string;
}

export interface TemplateInput {
  name: string;
  body: string;
  groupId: string | null;
}

/** The variables the server fills in a canned reply (`{{contact.firstName}}`), and how it fills them. */
export {
  renderTemplate as fillTemplate,
  TEMPLATE_VARIABLES as templateVariables,
  unknownVariables,
  type TemplateVariable,
} from '@switchboard/server/render-template';

/** Every canned reply of the tenant (an administrator sees those of all groups). */
export function useTemplates() {
  return useQuery({
    queryKey: keys.templates,
    queryFn: async () => (await api<{ items: Template[] }>('GET', '/templates')).items,
  });
}

const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

export function useSaveTemplate() {
  const client = useQueryClient();
  return async (id: string | undefined, input: TemplateInput) => {
    const saved = id
      ? await api<Template>('PATCH', `/templates/${id}`, input)
      : await api<Template>('POST', '/templates', input);
    client.setQueryData<Template[]>(keys.templates, (list) =>
      [...(list ?? []).filter((x) => x.id !== saved.id), saved].sort(byName),
    );
    return saved;
  };
}

export function useDeleteTemplate() {
  const client = useQueryClient();
  return async (id: string) => {
    await api<void>('DELETE', `/templates/${id}`);
    client.setQueryData<Template[]>(keys.templates, (list) => list?.filter((x) => x.id !== id));
  };
}
