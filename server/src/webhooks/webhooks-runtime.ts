import type { SecretBox } from '../lib/secret-box.js';

/** What outbound webhooks need from the process: how to open endpoints' secrets, and where they may go. */
export interface WebhooksRuntime {
  secretBox: SecretBox;
  allowPrivateNetworks: boolean;
}

let runtime: WebhooksRuntime | undefined;

/** Set once per process by whoever holds the configuration (main.ts for every role, buildApp for the API). */
export function configureWebhooks(value: WebhooksRuntime): void {
  runtime = value;
}

export function webhooksRuntime(): WebhooksRuntime {
  if (!runtime) throw new Error('Outbound webhooks are not configured in this process');
  return runtime;
}
