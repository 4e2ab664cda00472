import type { ClockOptions, SandboxClock } from './clock.js';

/** A WhatsApp business phone number the sandbox hosts. */
export interface WhatsAppNumberOptions {
  phoneNumberId: string;
  /** Digits only, as Meta puts it in `metadata.display_phone_number`. */
  displayPhoneNumber: string;
  wabaId: string;
  /** The bearer token accepted for this number (system-user token). */
  accessToken: string;
  /** Messages per second before 130429; Meta's default is 80. */
  throughputMps?: number;
}

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';

/** A message template component as `GET /message_templates` returns it. */
export interface TemplateComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';
  format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
  text?: string;
  buttons?: { type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE'; text: string; url?: string }[];
}

export interface TemplateOptions {
  id?: string;
  /** WABA owning the template; defaults to the first number's WABA. */
  wabaId?: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status?: TemplateStatus;
  /** `{{1}}…` variables (default) or named ones (`{{first_name}}`) filled by `parameter_name`. */
  parameterFormat?: 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
}

export interface MessengerPageOptions {
  pageId: string;
  name: string;
  pageAccessToken: string;
  /** Whether the app passed review for the Human Agent feature (MESSAGE_TAG + HUMAN_AGENT). */
  humanAgentApproved?: boolean;
}

export type WhatsAppCustomerState =
  'reachable' | 'not-on-whatsapp' | 'blocked-by-business' | 'opted-out-marketing' | 'experiment';

export interface WhatsAppCustomerOptions {
  /** WhatsApp user id; omit for a username-only (BSUID-only) customer. */
  waId?: string;
  /** Phone number digits; defaults to waId (they differ e.g. for Brazil's 9th digit). */
  phone?: string;
  /** Business-scoped user id, e.g. `US.13491208655302741918`. */
  bsuid?: string;
  name: string;
  username?: string;
  state?: WhatsAppCustomerState;
}

export interface MessengerCustomerOptions {
  /** Page-scoped id; generated when omitted. */
  psid?: string;
  /** Page the customer writes to; defaults to the first page. */
  pageId?: string;
  firstName: string;
  lastName: string;
  /** False when the User Profile API answers 100/2018218. */
  profileAvailable?: boolean;
  /** `unavailable` answers 551/1545041 (blocked the page, deactivated). */
  state?: 'reachable' | 'unavailable';
  /** An admin, developer or tester of the app: reachable while the app is in development mode. */
  tester?: boolean;
}

export interface AppOptions {
  appId: string;
  appSecret: string;
  verifyToken: string;
  whatsappCallbackUrls: string[];
  messengerCallbackUrls: string[];
  /**
   * An app in development mode may message only its admins, developers and testers: other Messenger recipients
   * answer 10/2018108.
   */
  developmentMode: boolean;
}

export type WindowMode = 'async' | 'sync';
export type StatusProgression = 'none' | 'sent' | 'delivered' | 'read';

/** Delivery switches; all may be changed at run time through the control API. */
export interface DeliverySwitches {
  /** Send every webhook POST twice. */
  duplicate: boolean;
  /** Deliver the events of one burst in reverse order. */
  reorder: boolean;
  /** Put up to this many events in one POST (1 = one event per POST). */
  batchSize: number;
  /** Wait this long (ms) before delivering a burst. */
  delayMs: number;
  /** Deliver the `sent` status (WhatsApp) or the echo (Messenger) before the send call returns. */
  statusBeforeResponse: boolean;
  /** How 131047 surfaces: 200 then a failed status (async), or an HTTP 400 (sync). */
  windowMode: WindowMode;
  /** How far statuses advance on their own after a send. */
  statusProgression: StatusProgression;
  /** WhatsApp: skip `delivered` and go from `sent` to `read` (Meta does when both happen at once). */
  skipDelivered: boolean;
  /** Messenger: send `delivery` events with only a watermark, no `mids`. */
  deliveryWithoutMids: boolean;
  /** Fetch media sent by `link` (WhatsApp) or `url` (Messenger) like Meta; a failed fetch fails the send. */
  fetchMediaLinks: boolean;
  /** Messenger: stop delivering to a callback URL whose retries ran out, until the handshake is done again. */
  unsubscribeOnFailure: boolean;
}

export interface SandboxOptions {
  /** Base URL the sandbox is reachable at, used in media URLs; startSandbox fills it in. */
  publicUrl?: string;
  app: Partial<AppOptions> & Pick<AppOptions, 'appSecret' | 'verifyToken'>;
  whatsapp?: {
    numbers: WhatsAppNumberOptions[];
    customers?: WhatsAppCustomerOptions[];
    templates?: TemplateOptions[];
  };
  messenger?: { pages: MessengerPageOptions[]; customers?: MessengerCustomerOptions[] };
  clock?: SandboxClock | ClockOptions;
  /** Turns on the `/_sandbox/` control API and the customer phone page (test and demo mode only). */
  control?: boolean;
  switches?: Partial<DeliverySwitches>;
  /**
   * Real-time delays (ms) between webhook delivery attempts after a non-200; its length bounds the retries. Set it
   * for short schedules in tests; when omitted, retries follow `retrySchedule` on the sandbox clock.
   */
  retryDelaysMs?: number[];
  /**
   * Meta's retry schedule, on the sandbox clock (used unless `retryDelaysMs` is set): the first retry
   * `firstDelayMs` after a failure, each next delay doubled up to `maxDelayMs`, none later than `giveUpAfterMs`
   * after the first attempt (Meta: "with decreasing frequency … for up to 7 days").
   */
  retrySchedule?: Partial<ClockRetrySchedule>;
  /** Largest webhook POST body; a batch above it is split (Meta: payloads up to 3 MB). */
  webhookPayloadLimitBytes?: number;
  /** How long a webhook POST may take before it counts as failed (Meta: undocumented for WhatsApp, 20 s Messenger). */
  webhookTimeoutMs?: { whatsapp: number; messenger: number };
  /** Pair rate (131056): burst allowance and refill interval per (number, recipient). */
  pairRate?: { burst: number; intervalMs: number };
  /** HTTP status of throttling errors (130429, 131056); Graph uses 400, some BSPs report 429. */
  rateLimitHttpStatus?: number;
  /** Fastify logger; off by default. */
  logger?: boolean;
}

export interface ClockRetrySchedule {
  firstDelayMs: number;
  maxDelayMs: number;
  giveUpAfterMs: number;
}

/** How failed webhook deliveries are retried: real-time delays, or Meta's schedule on the sandbox clock. */
export type RetryPolicy = { clock: 'real'; delaysMs: number[] } | ({ clock: 'sandbox' } & ClockRetrySchedule);

export const defaultRetrySchedule: ClockRetrySchedule = {
  firstDelayMs: 60_000,
  maxDelayMs: 24 * 3600_000,
  giveUpAfterMs: 7 * 24 * 3600_000,
};

export interface ResolvedOptions {
  publicUrl: string | undefined;
  app: AppOptions;
  numbers: Required<WhatsAppNumberOptions>[];
  pages: Required<MessengerPageOptions>[];
  control: boolean;
  retries: RetryPolicy;
  webhookPayloadLimitBytes: number;
  webhookTimeoutMs: { whatsapp: number; messenger: number };
  pairRate: { burst: number; intervalMs: number };
  rateLimitHttpStatus: number;
  logger: boolean;
}

export const defaultSwitches: DeliverySwitches = {
  duplicate: false,
  reorder: false,
  batchSize: 1,
  delayMs: 0,
  statusBeforeResponse: false,
  windowMode: 'async',
  statusProgression: 'read',
  skipDelivered: false,
  deliveryWithoutMids: false,
  unsubscribeOnFailure: false,
  fetchMediaLinks: true,
};

/** Fills defaults and checks the options once; throws listing every problem. */
export function resolveOptions(options: SandboxOptions): ResolvedOptions {
  const problems: string[] = [];
  if (!options.app?.appSecret) problems.push('app.appSecret is required');
  if (!options.app?.verifyToken) problems.push('app.verifyToken is required');
  const numbers = (options.whatsapp?.numbers ?? []).map((n) => ({ throughputMps: 80, ...n }));
  const pages = (options.messenger?.pages ?? []).map((p) => ({ humanAgentApproved: true, ...p }));
  for (const n of numbers) {
    if (!/^\d+$/.test(n.phoneNumberId)) problems.push(`phone number id ${n.phoneNumberId} must be digits`);
    if (!/^\d+$/.test(n.displayPhoneNumber))
      problems.push(`display phone number ${n.displayPhoneNumber} must be digits`);
  }
  for (const p of pages) if (!/^\d+$/.test(p.pageId)) problems.push(`page id ${p.pageId} must be digits`);
  if (options.retryDelaysMs && options.retrySchedule) {
    problems.push('retryDelaysMs (real time) and retrySchedule (sandbox clock) exclude each other');
  }
  for (const [key, value] of Object.entries(options.retrySchedule ?? {})) {
    if (!(Number.isFinite(value) && value > 0))
      problems.push(`retrySchedule.${key} must be a positive number`);
  }
  if (problems.length > 0) throw new Error(`invalid sandbox options:\n- ${problems.join('\n- ')}`);
  return {
    publicUrl: options.publicUrl,
    app: {
      appId: options.app.appId ?? '1517776481860111',
      appSecret: options.app.appSecret,
      verifyToken: options.app.verifyToken,
      whatsappCallbackUrls: options.app.whatsappCallbackUrls ?? [],
      messengerCallbackUrls: options.app.messengerCallbackUrls ?? [],
      developmentMode: options.app.developmentMode ?? false,
    },
    numbers,
    pages,
    control: options.control ?? false,
    retries: options.retryDelaysMs
      ? { clock: 'real', delaysMs: options.retryDelaysMs }
      : { clock: 'sandbox', ...defaultRetrySchedule, ...options.retrySchedule },
    webhookPayloadLimitBytes: options.webhookPayloadLimitBytes ?? 3 * 1024 * 1024,
    webhookTimeoutMs: options.webhookTimeoutMs ?? { whatsapp: 10_000, messenger: 20_000 },
    pairRate: options.pairRate ?? { burst: 45, intervalMs: 6_000 },
    rateLimitHttpStatus: options.rateLimitHttpStatus ?? 400,
    logger: options.logger ?? false,
  };
}
