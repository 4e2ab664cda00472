import { createClock, type SandboxClock } from './clock.js';
import {
  defaultSwitches,
  resolveOptions,
  type DeliverySwitches,
  type ResolvedOptions,
  type SandboxOptions,
} from './options.js';
import { CallLog } from './state/call-log.js';
import { CustomerRegistry } from './state/customers.js';
import { FailureQueue } from './state/failures.js';
import { MediaStore } from './state/media-store.js';
import { MessageStore } from './state/messages.js';
import { RateLimiter } from './state/rate-limits.js';
import { TemplateStore } from './state/templates.js';
import { WebhookEmitter } from './webhooks/emitter.js';

/** Everything the sandbox's routes and control operations share. */
export interface SandboxContext {
  options: ResolvedOptions;
  clock: SandboxClock;
  switches: DeliverySwitches;
  customers: CustomerRegistry;
  messages: MessageStore;
  media: MediaStore;
  templates: TemplateStore;
  failures: FailureQueue;
  limiter: RateLimiter;
  calls: CallLog;
  emitter: WebhookEmitter;
  revokedTokens: Set<string>;
  /** "typing…" shown to a customer until this time, by `account:customer`. */
  typingUntil: Map<string, number>;
  /** Base URL used in media URLs; set once the server listens. */
  baseUrl: () => string;
  setBaseUrl: (url: string) => void;
}

/** Builds the sandbox state from its options, seeding configured customers and templates. */
export function createContext(input: SandboxOptions): SandboxContext {
  const options = resolveOptions(input);
  const clock = input.clock && 'now' in input.clock ? input.clock : createClock(input.clock);
  const switches: DeliverySwitches = { ...defaultSwitches, ...input.switches };
  let baseUrl = options.publicUrl ?? 'http://127.0.0.1';
  const customers = new CustomerRegistry(options);
  for (const c of input.whatsapp?.customers ?? []) customers.addWhatsApp(c);
  for (const c of input.messenger?.customers ?? []) customers.addMessenger(c);
  const templates = new TemplateStore();
  for (const t of input.whatsapp?.templates ?? []) {
    templates.add({ ...t, wabaId: t.wabaId ?? options.numbers[0]?.wabaId ?? '' });
  }
  return {
    options,
    clock,
    switches,
    customers,
    messages: new MessageStore(),
    media: new MediaStore(),
    templates,
    failures: new FailureQueue(),
    limiter: new RateLimiter(),
    calls: new CallLog(),
    emitter: new WebhookEmitter(options, switches, clock),
    revokedTokens: new Set(),
    typingUntil: new Map(),
    baseUrl: () => baseUrl,
    setBaseUrl: (url) => {
      baseUrl = url.replace(/\/$/, '');
    },
  };
}
