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
  blacklist: ['blacklist'] as const,
  apiKeys: ['api-keys'] as const,
  /** Every list of channel accounts starts with this; a change to an account refreshes them all. */
  channelAccounts: ['channel-accounts'] as const,
  adminChannelAccounts: ['channel-accounts', 'admin'] as const,
  /** Every template of a WhatsApp number (`all=true`), for its administration. */
  allWhatsAppTemplates: (channelAccountId: string) =>
    ['whatsapp-templates', channelAccountId, 'all'] as const,
  webhooks: ['webhooks'] as const,
  webhookDeliveries: (endpointId: string) => ['webhook-deliveries', endpointId] as const,
  webhookDelivery: (endpointId: string, deliveryId: string) =>
    ['webhook-delivery', endpointId, deliveryId] as const,
  // Canned replies, tags and wrap-up reasons: the same keys as the workspace's lists, so a change shows there too.
  templates: ['templates'] as const,
  tags: ['tags'] as const,
  /** Prefix of every list of reasons (the operators' searches and the administrators' full list). */
  wrapupReasons: ['wrapup-reasons'] as const,
  allWrapupReasons: ['wrapup-reasons', { includeInactive: true }] as const,
  tenantSettings: ['tenant-settings'] as const,
  blockedFileTypes: ['blocked-file-types'] as const,
  /** The groups with their settings and members: one list for the workspace and the administration. */
  groups: ['groups'] as const,
  routingRules: ['routing-rules'] as const,
  routingChannelAccounts: ['channel-accounts', 'summary'] as const,
};
