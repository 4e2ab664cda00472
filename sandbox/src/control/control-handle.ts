import type { SandboxContext } from '../context.js';
import type { Product } from '../graph/graph-error.js';
import type {
  DeliverySwitches,
  MessengerCustomerOptions,
  TemplateStatus,
  WhatsAppCustomerOptions,
  WhatsAppCustomerState,
} from '../options.js';
import type { LoggedCall } from '../state/call-log.js';
import type { MessengerCustomer, WhatsAppCustomer } from '../state/customers.js';
import type { FailNextInput } from '../state/failures.js';
import type { StoredMessage } from '../state/messages.js';
import type { DeliveryAttempt, SignatureMode } from '../webhooks/emitter.js';
import { verifySubscription, type HandshakeResult } from '../webhooks/handshake.js';
import { businessTyping } from '../graph/whatsapp-mark-read.js';
import { customerReads } from './customer-read.js';
import { injectMessengerEvent, type MessengerInboundInput } from './inject-messenger.js';
import { injectWhatsAppMessage, type WhatsAppInboundInput } from './inject-whatsapp.js';
import { changeTemplateStatus } from './template-status.js';

export interface CustomerView {
  product: Product;
  /** The key to use in other control calls (wa_id, BSUID or PSID). */
  id: string;
  account: string;
  name: string;
  waId?: string;
  phone?: string;
  bsuid?: string;
  state: string;
  windowOpenUntil?: number;
}

/** The sandbox's control operations, in process; the `/_sandbox/` routes call the same functions. */
export interface SandboxControl {
  addWhatsAppCustomer(input: WhatsAppCustomerOptions): CustomerView;
  addMessengerCustomer(input: MessengerCustomerOptions): CustomerView;
  customers(): CustomerView[];
  /** Delivers an inbound WhatsApp message; resolves after the first delivery attempt. */
  injectWhatsApp(input: WhatsAppInboundInput): Promise<{ id: string; message: Record<string, unknown> }>;
  /** Delivers an inbound Messenger event; resolves after the first delivery attempt. */
  injectMessenger(input: MessengerInboundInput): Promise<{ mid: string; event: Record<string, unknown> }>;
  /** The customer reads the business's messages (read statuses / read watermark). */
  customerRead(input: { product: Product; account?: string; customer: string }): Promise<{ events: number }>;
  /** Moves the sandbox clock; webhook retries it reaches are attempted at once (`idle()` waits for them). */
  advanceClock(ms: number): number;
  /** Webhook retries waiting for the sandbox clock, soonest first. */
  pendingRetries(): { product: string; url: string; attempt: number; due: number }[];
  now(): number;
  failNext(input: FailNextInput): void;
  setSwitches(patch: Partial<DeliverySwitches>): DeliverySwitches;
  calls(filter?: { method?: string; pathContains?: string }): LoggedCall[];
  clearCalls(): void;
  deliveries(): DeliveryAttempt[];
  /** Performs the `hub.*` handshake against each callback URL of the product, as Meta does on subscription. */
  verifySubscription(product: Product): Promise<HandshakeResult[]>;
  /** Posts a payload once with a valid, invalid or missing signature. */
  sendRawWebhook(
    product: Product,
    payload: unknown,
    signature: SignatureMode,
  ): Promise<{ url: string; status?: number; error?: string }[]>;
  revokeToken(token: string): void;
  setTemplateStatus(input: {
    name: string;
    language: string;
    status: TemplateStatus;
    reason?: string;
  }): Promise<{
    id: string;
    status: TemplateStatus;
  }>;
  conversation(input: { product: Product; account?: string; customer: string }): {
    messages: StoredMessage[];
    typing: boolean;
  };
  /** Changes how a customer can be reached (WhatsApp state, Messenger availability and profile). */
  setCustomerState(input: {
    product: Product;
    customer: string;
    state?: string;
    profileAvailable?: boolean;
  }): CustomerView;
  /** The WhatsApp customer called the business: the customer-service window opens as with a message. */
  customerCalled(input: { customer: string; phone_number_id?: string }): CustomerView;
  /** Resolves when every webhook is delivered, given up, or waiting for the sandbox clock to reach a retry. */
  idle(): Promise<void>;
}

function viewWhatsApp(ctx: SandboxContext, c: WhatsAppCustomer): CustomerView {
  const account = ctx.options.numbers[0]?.phoneNumberId ?? '';
  const last = c.lastMessageAt.get(account);
  return {
    product: 'whatsapp',
    id: c.key,
    account,
    name: c.name,
    waId: c.waId,
    phone: c.phone,
    bsuid: c.bsuid,
    state: c.state,
    windowOpenUntil: last === undefined ? undefined : last + 24 * 3600_000,
  };
}

function viewMessenger(c: MessengerCustomer): CustomerView {
  return {
    product: 'messenger',
    id: c.psid,
    account: c.pageId,
    name: `${c.firstName} ${c.lastName}`,
    state: c.state,
    windowOpenUntil: c.lastMessageAt === undefined ? undefined : c.lastMessageAt + 24 * 3600_000,
  };
}

function accountOf(ctx: SandboxContext, product: Product, customer: string, account?: string): string {
  if (account) return account;
  if (product === 'whatsapp') return ctx.options.numbers[0]?.phoneNumberId ?? '';
  return ctx.customers.findMessenger(customer)?.pageId ?? ctx.options.pages[0]?.pageId ?? '';
}

/** Creates the control handle over a sandbox context. */
export function createControl(ctx: SandboxContext): SandboxControl {
  return {
    addWhatsAppCustomer: (input) => viewWhatsApp(ctx, ctx.customers.addWhatsApp(input)),
    addMessengerCustomer: (input) => viewMessenger(ctx.customers.addMessenger(input)),
    customers: () => [
      ...[...ctx.customers.whatsapp.values()].map((c) => viewWhatsApp(ctx, c)),
      ...[...ctx.customers.messenger.values()].map(viewMessenger),
    ],
    injectWhatsApp: (input) => injectWhatsAppMessage(ctx, input),
    injectMessenger: (input) => injectMessengerEvent(ctx, input),
    customerRead: (input) => {
      const customer =
        input.product === 'whatsapp'
          ? (ctx.customers.findWhatsApp(input.customer)?.key ?? input.customer)
          : input.customer;
      return customerReads(
        ctx,
        input.product,
        accountOf(ctx, input.product, customer, input.account),
        customer,
      );
    },
    advanceClock: (ms) => {
      ctx.clock.advance(ms);
      void ctx.emitter.releaseDueRetries();
      return ctx.clock.now();
    },
    pendingRetries: () => ctx.emitter.pendingRetries(),
    now: () => ctx.clock.now(),
    failNext: (input) => ctx.failures.push(input),
    setSwitches: (patch) => Object.assign(ctx.switches, patch),
    calls: (filter) => ctx.calls.list(filter),
    clearCalls: () => ctx.calls.clear(),
    deliveries: () => [...ctx.emitter.attempts],
    verifySubscription: (product) => {
      const urls =
        product === 'whatsapp' ? ctx.options.app.whatsappCallbackUrls : ctx.options.app.messengerCallbackUrls;
      return Promise.all(
        urls.map(async (url) => {
          const result = await verifySubscription(url, ctx.options.app.verifyToken);
          if (result.ok) ctx.emitter.unsubscribed.delete(url);
          return result;
        }),
      );
    },
    sendRawWebhook: (product, payload, signature) => ctx.emitter.sendRaw(product, payload, signature),
    revokeToken: (token) => void ctx.revokedTokens.add(token),
    setTemplateStatus: (input) => changeTemplateStatus(ctx, input),
    conversation: (input) => {
      const customer =
        input.product === 'whatsapp'
          ? (ctx.customers.findWhatsApp(input.customer)?.key ?? input.customer)
          : input.customer;
      const account = accountOf(ctx, input.product, customer, input.account);
      return {
        messages: ctx.messages.conversation(input.product, account, customer),
        typing: businessTyping(ctx, account, customer),
      };
    },
    setCustomerState: (input) => {
      if (input.product === 'whatsapp') {
        const customer = ctx.customers.findWhatsApp(input.customer);
        if (!customer) throw new Error(`no WhatsApp customer ${input.customer}`);
        if (input.state) customer.state = input.state as WhatsAppCustomerState;
        return viewWhatsApp(ctx, customer);
      }
      const customer = ctx.customers.findMessenger(input.customer);
      if (!customer) throw new Error(`no Messenger customer ${input.customer}`);
      if (input.state) customer.state = input.state === 'unavailable' ? 'unavailable' : 'reachable';
      if (input.profileAvailable !== undefined) customer.profileAvailable = input.profileAvailable;
      return viewMessenger(customer);
    },
    customerCalled: (input) => {
      const customer = ctx.customers.findWhatsApp(input.customer);
      if (!customer) throw new Error(`no WhatsApp customer ${input.customer}`);
      const account = input.phone_number_id ?? ctx.options.numbers[0]?.phoneNumberId ?? '';
      customer.lastMessageAt.set(account, ctx.clock.now());
      return viewWhatsApp(ctx, customer);
    },
    idle: () => ctx.emitter.idle(),
  };
}
