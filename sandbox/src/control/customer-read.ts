import type { SandboxContext } from '../context.js';
import type { Product } from '../graph/graph-error.js';
import { messengerProgress } from '../webhooks/messenger-events.js';
import { advanceStatus } from '../webhooks/whatsapp-statuses.js';
import type { WebhookEvent } from '../webhooks/payloads.js';

/** The customer opens the chat: the business's messages become delivered then read, with their webhooks. */
export async function customerReads(
  ctx: SandboxContext,
  product: Product,
  account: string,
  customer: string,
) {
  const events: WebhookEvent[] = [];
  if (product === 'whatsapp') {
    for (const m of ctx.messages.conversation('whatsapp', account, customer)) {
      if (m.direction !== 'outbound' || m.status === 'failed' || m.status === 'read' || m.status === 'played')
        continue;
      const steps = ctx.switches.skipDelivered
        ? (['sent', 'read'] as const)
        : (['sent', 'delivered', 'read'] as const);
      for (const step of steps) {
        const event = advanceStatus(ctx, m, step);
        if (event) events.push(event);
      }
    }
  } else {
    events.push(...messengerProgress(ctx, account, customer, 'read'));
  }
  await ctx.emitter.emit(events);
  return { events: events.length };
}
