import type { SandboxContext } from '../context.js';
import type { GraphError } from '../graph/graph-error.js';
import type { WhatsAppCustomer } from '../state/customers.js';
import type { StoredMessage } from '../state/messages.js';
import type { WhatsAppEvent } from './payloads.js';

interface StatusTarget {
  message: StoredMessage;
  phoneNumberId: string;
  /** The customer, or the raw `to` when nobody by that number exists. */
  customer: WhatsAppCustomer | undefined;
  to: string;
  bizOpaque?: string;
  templateCategory?: string;
}

function targetOf(ctx: SandboxContext, message: StoredMessage): StatusTarget {
  return {
    message,
    phoneNumberId: message.account,
    customer: ctx.customers.findWhatsApp(message.customer),
    to: message.to ?? message.customer,
    bizOpaque: message.opaque,
    templateCategory: message.templateCategory,
  };
}

const rank = { accepted: 0, sent: 1, delivered: 2, read: 3, played: 4, failed: 5 } as const;

function pricing(target: StatusTarget) {
  if (target.templateCategory) {
    return {
      billable: true,
      pricing_model: 'PMP',
      type: 'regular',
      category: target.templateCategory.toLowerCase(),
    };
  }
  return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
}

/** A `statuses[]` webhook event for one outbound message. */
export function statusEvent(
  ctx: SandboxContext,
  message: StoredMessage,
  status: 'sent' | 'delivered' | 'read' | 'played' | 'failed',
  error?: GraphError,
): WhatsAppEvent {
  const target = targetOf(ctx, message);
  const entry: Record<string, unknown> = {
    id: target.message.id,
    status,
    timestamp: String(Math.floor(ctx.clock.now() / 1000)),
  };
  const waId = target.customer ? target.customer.waId : target.to.replace(/\D/g, '');
  if (waId) entry.recipient_id = waId;
  if (target.customer?.bsuid) entry.recipient_user_id = target.customer.bsuid;
  if (status === 'sent' || status === 'delivered') entry.pricing = pricing(target);
  if (error) entry.errors = [error.toStatusError()];
  if (target.bizOpaque !== undefined) entry.biz_opaque_callback_data = target.bizOpaque;
  return { product: 'whatsapp', phoneNumberId: target.phoneNumberId, value: { statuses: [entry] } };
}

/** Moves the stored status forward only (never downgrades) and returns the webhook event for it. */
export function advanceStatus(
  ctx: SandboxContext,
  message: StoredMessage,
  status: 'sent' | 'delivered' | 'read' | 'played',
): WhatsAppEvent | undefined {
  if (message.status === 'failed' || rank[message.status] >= rank[status]) return undefined;
  message.status = status;
  return statusEvent(ctx, message, status);
}

/** The statuses that follow `sent` on their own, per the `statusProgression` switch. */
export function followingStatuses(ctx: SandboxContext, message: StoredMessage): WhatsAppEvent[] {
  const steps = ({ none: [], sent: [], delivered: ['delivered'], read: ['delivered', 'read'] } as const)[
    ctx.switches.statusProgression
  ];
  const events = steps
    .filter((s) => !(s === 'delivered' && ctx.switches.skipDelivered))
    .flatMap((s) => advanceStatus(ctx, message, s) ?? []);
  // A voice message (OGG/Opus audio) reports `played` once the customer listens; the sandbox assumes at once.
  const voice = message.type === 'audio' && (message.mimeType ?? '').startsWith('audio/ogg');
  const played =
    voice && ctx.switches.statusProgression === 'read' ? advanceStatus(ctx, message, 'played') : undefined;
  if (played) events.push(played);
  return events;
}
