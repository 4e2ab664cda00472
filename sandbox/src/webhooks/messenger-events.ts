import type { SandboxContext } from '../context.js';
import type { StoredMessage } from '../state/messages.js';
import type { MessengerEvent } from './payloads.js';

/** The `message_echoes` event for a message the page sent. */
export function echoEvent(
  ctx: SandboxContext,
  message: StoredMessage,
  payload: Record<string, unknown>,
): MessengerEvent {
  const echo: Record<string, unknown> = {
    mid: message.id,
    is_echo: true,
    app_id: Number(ctx.options.app.appId),
  };
  if (message.opaque !== undefined) echo.metadata = message.opaque;
  Object.assign(echo, payload);
  return {
    product: 'messenger',
    pageId: message.account,
    event: {
      sender: { id: message.account },
      recipient: { id: message.customer },
      timestamp: message.at,
      message: echo,
    },
  };
}

/** `delivery{mids, watermark}`: everything the page sent before the watermark reached the customer. */
export function deliveryEvent(
  ctx: SandboxContext,
  pageId: string,
  psid: string,
  mids: string[],
): MessengerEvent {
  const now = ctx.clock.now();
  return {
    product: 'messenger',
    pageId,
    event: {
      sender: { id: psid },
      recipient: { id: pageId },
      timestamp: now,
      delivery: ctx.switches.deliveryWithoutMids ? { watermark: now } : { mids, watermark: now },
    },
  };
}

/** `read{watermark}`: the customer has seen everything the page sent before the watermark. */
export function readEvent(ctx: SandboxContext, pageId: string, psid: string): MessengerEvent {
  const now = ctx.clock.now();
  return {
    product: 'messenger',
    pageId,
    event: { sender: { id: psid }, recipient: { id: pageId }, timestamp: now, read: { watermark: now } },
  };
}

/** Marks the page's messages delivered/read up to now and returns the watermark events for them. */
export function messengerProgress(
  ctx: SandboxContext,
  pageId: string,
  psid: string,
  upTo: 'delivered' | 'read',
): MessengerEvent[] {
  const outbound = ctx.messages
    .conversation('messenger', pageId, psid)
    .filter((m) => m.direction === 'outbound' && m.status !== 'failed');
  const undelivered = outbound.filter((m) => m.status === 'sent' || m.status === 'accepted');
  const events: MessengerEvent[] = [];
  if (undelivered.length > 0) {
    for (const m of undelivered) m.status = 'delivered';
    events.push(
      deliveryEvent(
        ctx,
        pageId,
        psid,
        undelivered.map((m) => m.id),
      ),
    );
  }
  if (upTo === 'read') {
    const unread = outbound.filter((m) => m.status !== 'read');
    if (unread.length > 0) {
      for (const m of unread) m.status = 'read';
      events.push(readEvent(ctx, pageId, psid));
    }
  }
  return events;
}
