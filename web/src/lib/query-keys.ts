/** Query keys shared by the features and the realtime layer that keeps them current. */
export const keys = {
  me: ['me'] as const,
  operators: ['operators'] as const,
  offers: ['offers'] as const,
  mySessions: ['sessions', 'mine'] as const,
  session: (id: string) => ['session', id] as const,
  messages: (id: string) => ['messages', id] as const,
  typing: (id: string) => ['typing', id] as const,
  connection: ['connection'] as const,
  contact: (id: string) => ['contact', id] as const,
  contactSessions: (id: string) => ['contact-sessions', id] as const,
  sessionTags: (id: string) => ['session-tags', id] as const,
  webhooks: ['webhooks'] as const,
  webhookDeliveries: (endpointId: string) => ['webhook-deliveries', endpointId] as const,
  webhookDelivery: (endpointId: string, deliveryId: string) =>
    ['webhook-delivery', endpointId, deliveryId] as const,
};
