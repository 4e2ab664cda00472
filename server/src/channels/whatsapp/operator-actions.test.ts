import { describe, expect, it } from 'vitest';
import { call } from '../../../test/factories.js';
import { SHEENA, useWhatsAppKit } from './whatsapp-test-kit.js';
import { PARKED_STATUS_JOB } from './whatsapp.repo.js';

const kit = useWhatsAppKit(2);

const sendsOf = (phoneNumberId: string, messageId: string) =>
  kit.sandbox
    .calls({ method: 'POST', pathContains: `${phoneNumberId}/messages` })
    .filter((c) => (c.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data === messageId);

describe('an operator retries a failed message', () => {
  it('sends it again for real, and the new attempt’s statuses reach delivered', async () => {
    const { number, accountId, f } = await kit.connectedTenant();
    const { sessionId, inbound } = await kit.activeSession(number, accountId);
    kit.sandbox.failNext({ product: 'whatsapp', code: 131026 });
    const failed = await kit.reply(sessionId, 'Your parcel left the depot');
    await expect.poll(async () => (await kit.statusOf(failed)).status, { timeout: 15_000 }).toBe('error');
    expect(sendsOf(number.phoneNumberId, failed)).toHaveLength(1);

    const path = (messageId: string) => `/api/v1/sessions/${sessionId}/messages/${messageId}/retry`;
    const notTheirs = await call(kit.t.url, 'POST', path(failed), { headers: f.sessions.petr!.headers });
    expect(notTheirs.status).toBe(404);
    const notFailed = await call(kit.t.url, 'POST', path(inbound.id), { headers: f.sessions.olga!.headers });
    expect(notFailed.status).toBe(409);
    expect(notFailed.body.error.code).toBe('message_not_failed');
    expect((await kit.statusOf(inbound.id)).status).toBe('received');

    kit.sandbox.setSwitches({ statusProgression: 'delivered' });
    const retried = await call(kit.t.url, 'POST', path(failed), { headers: f.sessions.olga!.headers });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: failed, status: 'sending', errorCode: null, errorReason: null });
    await f.sockets.olga!.waitFor(
      (e) =>
        e.name === 'message.updated' &&
        (e.payload as any).id === failed &&
        (e.payload as any).status === 'sending',
    );
    await expect.poll(async () => (await kit.statusOf(failed)).status, { timeout: 15_000 }).toBe('delivered');
    expect(sendsOf(number.phoneNumberId, failed)).toHaveLength(2);
    expect(await kit.statusOf(failed)).toMatchObject({ errorCode: null, metadata: { retries: 1 } });
    const again = await call(kit.t.url, 'POST', path(failed), { headers: f.sessions.olga!.headers });
    expect(again.body.error.code).toBe('message_not_failed');
  });

  it('lets a supervisor retry over the socket, and refuses free text once the window has closed', async () => {
    const { number, accountId, f } = await kit.connectedTenant();
    const { sessionId } = await kit.activeSession(number, accountId);
    kit.sandbox.failNext({ product: 'whatsapp', code: 131026 });
    const first = await kit.reply(sessionId, 'First try');
    await expect.poll(async () => (await kit.statusOf(first)).status, { timeout: 15_000 }).toBe('error');
    const ack = await new Promise<any>((resolve) =>
      f.sockets.supervisor!.socket.emit('message.retry', { sessionId, messageId: first }, resolve),
    );
    expect(ack).toMatchObject({ ok: true, data: { messageId: first, status: 'sending' } });
    await expect.poll(async () => (await kit.statusOf(first)).status, { timeout: 15_000 }).toBe('sent');

    kit.sandbox.failNext({ product: 'whatsapp', code: 131047, mode: 'async' });
    const late = await kit.reply(sessionId, 'Too late');
    await expect.poll(async () => (await kit.statusOf(late)).errorCode, { timeout: 15_000 }).toBe('131047');
    const refused = await call(kit.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages/${late}/retry`, {
      headers: f.sessions.olga!.headers,
    });
    expect(refused.body.error).toMatchObject({ code: 'window_closed', details: { otherwise: 'templates' } });
    expect((await kit.statusOf(late)).status).toBe('error');
  });
});

describe('an operator reacts to a customer’s message', () => {
  it('keeps the reaction on the message, announces it, sends it to Meta, and takes it back', async () => {
    kit.sandbox.setSwitches({ statusProgression: 'delivered' });
    const { number, accountId, f } = await kit.connectedTenant();
    const { sessionId, inbound } = await kit.activeSession(number, accountId);
    const path = `/api/v1/sessions/${sessionId}/messages/${inbound.id}/reaction`;
    const reactions = () =>
      kit.sandbox
        .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
        .map((c) => c.body as any)
        .filter((b) => b.type === 'reaction');

    const stranger = await call(kit.t.url, 'POST', path, {
      headers: f.sessions.petr!.headers,
      body: { emoji: '👍' },
    });
    expect(stranger.status).toBe(404);
    const reacted = await call(kit.t.url, 'POST', path, {
      headers: f.sessions.olga!.headers,
      body: { emoji: '👍' },
    });
    expect(reacted.status).toBe(200);
    expect(reacted.body.metadata.reactions).toEqual({ operator: '👍' });
    await f.sockets.olga!.waitFor(
      (e) => e.name === 'message.updated' && (e.payload as any).metadata.reactions?.operator === '👍',
    );
    await expect.poll(reactions, { timeout: 15_000 }).toEqual([
      expect.objectContaining({
        to: `+${SHEENA}`,
        reaction: { message_id: inbound.channelMessageId, emoji: '👍' },
      }),
    ]);
    expect(reactions()[0].context).toBeUndefined();

    const removed = await call(kit.t.url, 'POST', path, {
      headers: f.sessions.olga!.headers,
      body: { emoji: null },
    });
    expect(removed.body.metadata.reactions).toEqual({});
    await expect.poll(() => reactions().length, { timeout: 15_000 }).toBe(2);
    expect(reactions()[1].reaction).toEqual({ message_id: inbound.channelMessageId, emoji: '' });
    const bad = await call(kit.t.url, 'POST', path, {
      headers: f.sessions.olga!.headers,
      body: { emoji: '' },
    });
    expect(bad.status).toBe(400);

    // Meta reports on the reactions as on messages; those statuses are answered and dropped, not parked as
    // statuses of a message not known yet.
    const reactionStatuses = () =>
      kit.sandbox
        .deliveries()
        .filter((d) => d.status === 200 && d.body.includes('"biz_opaque_callback_data":"reaction"'));
    await expect.poll(() => reactionStatuses().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const { rows: parked } = await kit.t.database.query(
      `SELECT id FROM pgboss.job WHERE name = $1 AND data->>'channelAccountId' = $2`,
      [PARKED_STATUS_JOB, accountId],
    );
    expect(parked).toEqual([]);
  });
});
