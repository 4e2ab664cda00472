import type { SandboxContext } from '../context.js';
import { graphError } from './graph-error.js';

const typingMs = 25_000;

/**
 * `{"status":"read","message_id":…}`: marks the customer's message (and the earlier ones) read, and with
 * `typing_indicator` shows "typing…" to the customer until the next message or 25 s.
 */
export function markWhatsAppRead(ctx: SandboxContext, phoneNumberId: string, body: Record<string, unknown>) {
  if (body.status !== 'read')
    throw graphError('whatsapp', 100, { details: 'The parameter status must be read.' });
  const id = body.message_id;
  const message = typeof id === 'string' ? ctx.messages.get(id) : undefined;
  if (
    !message ||
    message.product !== 'whatsapp' ||
    message.account !== phoneNumberId ||
    message.direction !== 'inbound'
  ) {
    throw graphError('whatsapp', 131009, { details: 'Message ID is not valid.' });
  }
  for (const m of ctx.messages.conversation('whatsapp', phoneNumberId, message.customer)) {
    if (m.direction === 'inbound' && m.at <= message.at) m.status = 'read';
  }
  const indicator = body.typing_indicator as { type?: unknown } | undefined;
  if (indicator !== undefined) {
    if (indicator?.type !== 'text')
      throw graphError('whatsapp', 100, { details: "Param typing_indicator['type'] must be text." });
    ctx.typingUntil.set(`${phoneNumberId}:${message.customer}`, ctx.clock.now() + typingMs);
  }
  return { success: true };
}

/** Whether the business shows "typing…" to this customer right now. */
export function businessTyping(ctx: SandboxContext, account: string, customer: string): boolean {
  return (ctx.typingUntil.get(`${account}:${customer}`) ?? 0) > ctx.clock.now();
}

/** A new business message dismisses the typing indicator. */
export function stopTyping(ctx: SandboxContext, account: string, customer: string): void {
  ctx.typingUntil.delete(`${account}:${customer}`);
}
