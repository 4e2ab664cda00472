import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Offer } from '../../../lib/types';

/** The operator's pending offers; `offer.created` and `offer.closed` keep the list current. */
export function useOffers() {
  return useQuery({
    queryKey: keys.offers,
    queryFn: async () => (await api<{ items: Offer[] }>('GET', '/offers')).items,
  });
}

export function useAcceptOffer() {
  const client = useQueryClient();
  return async (offer: Offer) => {
    await api('POST', `/offers/${offer.id}/accept`);
    client.setQueryData<Offer[]>(keys.offers, (list) => list?.filter((o) => o.id !== offer.id));
    await client.invalidateQueries({ queryKey: keys.mySessions });
  };
}
