import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

export interface Tag {
  id: string;
  name: string;
  /** Like `#1e88e5`; null for none. */
  color: string | null;
  createdAt: string;
}

export interface TagInput {
  name: string;
  color: string | null;
}

export function useTags() {
  return useQuery({
    queryKey: keys.tags,
    queryFn: async () => (await api<{ items: Tag[] }>('GET', '/tags')).items,
  });
}

export function useSaveTag() {
  const client = useQueryClient();
  return async (id: string | undefined, input: TagInput) => {
    const saved = id ? await api<Tag>('PATCH', `/tags/${id}`, input) : await api<Tag>('POST', '/tags', input);
    // Sessions show their tags by name and colour: what they hold is read again.
    void client.invalidateQueries({ queryKey: keys.tags });
    void client.invalidateQueries({ queryKey: ['session-tags'] });
    return saved;
  };
}

/** Deletes the tag; the sessions that carried it lose it. */
export function useDeleteTag() {
  const client = useQueryClient();
  return async (id: string) => {
    await api<void>('DELETE', `/tags/${id}`);
    client.setQueryData<Tag[]>(keys.tags, (list) => list?.filter((x) => x.id !== id));
    void client.invalidateQueries({ queryKey: ['session-tags'] });
  };
}
