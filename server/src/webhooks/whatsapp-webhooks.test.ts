import { describe, expect, it } from 'vitest';
import { call } from '../../test/factories.js';
import { deliveriesSettled, useWebhookReceiver } from '../../test/webhook-receiver.js';
import { SHEENA, useWhatsAppKit } from '../channels/whatsapp/whatsapp-test-kit.js';

const kit = useWhatsAppKit(7);
const receiver = useWebhookReceiver();

const ORDER = ['sent', 'delivered', 'read'];

describe('outbound webhooks of WhatsApp messages', () => {
  async function subscribed() {
    const { number, accountId } = await kit.connectedTenant();
    const created = await call(kit.t.url, 'POST', '/api/v1/webhooks', {
      headers: kit.f.sessions.admin!.headers,
      body: { url: receiver.url, events: ['message.received', 'message.sent', 'message.status'] },
    });
    expect(created.status).toBe(201);
    return { number, accountId };
  }

  /** The statuses delivered for a message, in the tenant's event order. */
  const statusesOf = (messageId: string) =>
    receiver.received
      .filter((r) => r.body.type === 'message.status' && r.body.data.message.id === messageId)
      .sort((a, b) => Number(a.body.id.slice(4)) - Number(b.body.id.slice(4)))
      .map((r) => r.body.data.message.status as string);

  it("tell each status of an operator's message once, in order, with the customer's message and the reply", async () => {
    const { number, accountId } = await subscribed();
    kit.sandbox.setSwitches({ statusProgression: 'read' });
    const { sessionId, inbound } = await kit.activeSession(number, accountId);
    const id = await kit.reply(sessionId, 'Your order has shipped');
    await expect.poll(() => statusesOf(id), { timeout: 15_000, interval: 200 }).toEqual(ORDER);
    // Deliveries go side by side: the customer's message may reach the endpoint after the reply's statuses.
    await deliveriesSettled(kit.t);
    const received = receiver.received.find((r) => r.body.data.message?.id === inbound.id)!;
    expect(received.body).toMatchObject({
      type: 'message.received',
      data: {
        message: { direction: 'in', authorKind: 'customer' },
        session: { id: sessionId, channel: 'whatsapp' },
      },
    });
    const sent = receiver.received.find(
      (r) => r.body.type === 'message.sent' && r.body.data.message.id === id,
    )!;
    expect(sent.body.data.message).toMatchObject({ text: 'Your order has shipped', status: 'sending' });
    // The customer reacts to the reply: the message changes again, its status does not, and nothing is told twice.
    const wamid = (await kit.statusOf(id)).channelMessageId!;
    await kit.inject(number, {
      from: SHEENA,
      type: 'reaction',
      reaction: { message_id: wamid, emoji: '👍' },
    });
    await expect
      .poll(async () => (await kit.statusOf(id)).metadata.reactions, { timeout: 10_000 })
      .toEqual({ customer: '👍' });
    await kit.sandbox.idle();
    await deliveriesSettled(kit.t);
    expect(statusesOf(id)).toEqual(ORDER);
  });

  it('never tell a status twice or backwards when Meta sends them duplicated and out of order', async () => {
    const { number, accountId } = await subscribed();
    const { sessionId } = await kit.activeSession(number, accountId);
    kit.sandbox.setSwitches({
      statusBeforeResponse: true,
      duplicate: true,
      reorder: true,
      statusProgression: 'read',
    });
    const id = await kit.reply(sessionId, 'Shuffled statuses');
    await expect.poll(() => statusesOf(id).at(-1), { timeout: 15_000, interval: 200 }).toBe('read');
    await kit.sandbox.idle();
    await deliveriesSettled(kit.t);
    const told = statusesOf(id);
    expect(new Set(told).size).toBe(told.length);
    expect(told).toEqual([...told].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
    kit.sandbox.setSwitches({ statusBeforeResponse: false, duplicate: false, reorder: false });
  });
});
