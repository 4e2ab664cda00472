import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import { emitAck } from '../../../lib/socket';
import type { OperatorRow, Presence } from '../../../lib/types';

export function useOperators() {
  return useQuery({
    queryKey: keys.operators,
    queryFn: async () => (await api<{ items: OperatorRow[] }>('GET', '/operators')).items,
  });
}

/** Sets the operator's own presence over the socket; the cache follows from the ack before the event. */
export function useSetPresence(userId: string) {
  const client = useQueryClient();
  return async (status: 'available' | 'away' | 'offline', awayReason?: string) => {
    const result = await emitAck<{ status: Presence }>('presence.set', {
      status,
      ...(awayReason ? { awayReason } : {}),
    });
    client.setQueryData<OperatorRow[]>(keys.operators, (list) =>
      list?.map((o) =>
        o.id === userId ? { ...o, presence: result.status, awayReason: awayReason ?? null } : o,
      ),
    );
  };
}
