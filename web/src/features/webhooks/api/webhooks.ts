import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { WEBHOOK_EVENT_TYPES } from '@switchboard/server/webhook-events';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

/** The events an endpoint can subscribe to (a test delivery is of type `ping`, never subscribed). */
export const webhookEvents = WEBHOOK_EVENT_TYPES;

export type { WebhookEventType as WebhookEvent } from '@switchboard/server/webhook-events';

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventType: string;
  eventId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface DeliveryAttempt {
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDeliveryDetail extends WebhookDelivery {
  payload: unknown;
  attemptLog: DeliveryAttempt[];
}

export interface EndpointInput {
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
}

/** How often an unfinished delivery is asked about again: the worker retries on its own. */
const PENDING_RECHECK_MS = 2000;

export function useWebhookEndpoints() {
  return useQuery({
    queryKey: keys.webhooks,
    queryFn: async () => (await api<{ items: WebhookEndpoint[] }>('GET', '/webhooks')).items,
  });
}

/** The endpoint as the list keeps it: the signing secret never goes into the cache. */
function withoutSecret({ secret: _secret, ...endpoint }: WebhookEndpoint & { secret?: string }) {
  return endpoint;
}

/** Adds an endpoint; returns it with its signing secret, which the server shows this once. */
export function useCreateEndpoint() {
  const client = useQueryClient();
  return async (input: EndpointInput) => {
    // The description is optional: left out rather than sent empty.
    const body = { ...input, description: input.description ?? undefined };
    const created = await api<WebhookEndpoint & { secret: string }>('POST', '/webhooks', body);
    client.setQueryData<WebhookEndpoint[]>(keys.webhooks, (list) => [
      ...(list ?? []),
      withoutSecret(created),
    ]);
    return created;
  };
}

export function useUpdateEndpoint() {
  const client = useQueryClient();
  return async (id: string, patch: Partial<EndpointInput>) => {
    const updated = await api<WebhookEndpoint>('PATCH', `/webhooks/${id}`, patch);
    client.setQueryData<WebhookEndpoint[]>(keys.webhooks, (list) =>
      list?.map((e) => (e.id === id ? withoutSecret(updated) : e)),
    );
    return updated;
  };
}

/** Deletes the endpoint; its delivery log goes with it. */
export function useDeleteEndpoint() {
  const client = useQueryClient();
  return async (id: string) => {
    await api<void>('DELETE', `/webhooks/${id}`);
    client.setQueryData<WebhookEndpoint[]>(keys.webhooks, (list) => list?.filter((e) => e.id !== id));
    client.removeQueries({ queryKey: keys.webhookDeliveries(id) });
  };
}

/** A new signing secret in place of the old one; returned this once. */
export async function rotateSecret(id: string): Promise<string> {
  return (await api<{ secret: string }>('POST', `/webhooks/${id}/secret`)).secret;
}

/** Queues a test delivery (`ping`); the log is read again to show it. */
export function useSendTest() {
  const client = useQueryClient();
  return async (id: string) => {
    const delivery = await api<WebhookDelivery>('POST', `/webhooks/${id}/ping`);
    void client.invalidateQueries({ queryKey: keys.webhookDeliveries(id) });
    return delivery;
  };
}

/** Sends the delivery's payload again; the log and the delivery are read again. */
export function useRedeliver() {
  const client = useQueryClient();
  return async (endpointId: string, deliveryId: string) => {
    const delivery = await api<WebhookDelivery>(
      'POST',
      `/webhooks/${endpointId}/deliveries/${deliveryId}/redeliver`,
    );
    void client.invalidateQueries({ queryKey: keys.webhookDeliveries(endpointId) });
    void client.invalidateQueries({ queryKey: keys.webhookDelivery(endpointId, deliveryId) });
    return delivery;
  };
}

/**
 * An endpoint's delivery log, newest first, page by page, optionally of one status. Asked again every few
 * seconds while a delivery on it is still pending, so retries and their outcome show up without a reload.
 */
export function useDeliveries(endpointId: string, status: DeliveryStatus | '') {
  return useInfiniteQuery({
    queryKey: [...keys.webhookDeliveries(endpointId), status],
    queryFn: ({ pageParam }) => {
      const params = new URLSearchParams();
      if (status) params.set('status', status);
      if (pageParam) params.set('cursor', pageParam);
      return api<{ items: WebhookDelivery[]; nextCursor: string | null }>(
        'GET',
        `/webhooks/${endpointId}/deliveries?${params}`,
      );
    },
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((d) => d.status === 'pending'))
        ? PENDING_RECHECK_MS
        : false,
  });
}

/** One delivery with its payload and every attempt; asked again while it is pending. */
export function useDelivery(endpointId: string, deliveryId: string) {
  return useQuery({
    queryKey: keys.webhookDelivery(endpointId, deliveryId),
    queryFn: () => api<WebhookDeliveryDetail>('GET', `/webhooks/${endpointId}/deliveries/${deliveryId}`),
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? PENDING_RECHECK_MS : false),
  });
}
