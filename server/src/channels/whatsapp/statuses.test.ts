import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, sessions } from '../../db/schema.js';
import { call, logIn } from '../../../test/factories.js';
import { storeSends } from '../../sessions/send-message.js';
import { KAREL, SHEENA, useWhatsAppKit, whatsAppWebhook } from './whatsapp-test-kit.js';

const kit = useWhatsAppKit(9);

describe('outbound messages and statuses', () => {
  it('sends text with a quote through the outbox and moves the status forward to read', async () => {
    const { number, accountId } = await kit.connectedTenant();
    kit.sandbox.setSwitches({ statusProgression: 'read' });
    const { sessionId, inbound } = await kit.activeSession(number, accountId);
    const id = await kit.reply(sessionId, 'Hi! How can I help? 😊', inbound.id);
    await expect.poll(async () => (await kit.statusOf(id)).status, { timeout: 15_000 }).toBe('read');
    const message = await kit.statusOf(id);
    expect(message.channelMessageId).toMatch(/^wamid\./);
    const send = kit.sandbox
      .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
      .find((c) => (c.body as any).biz_opaque_callback_data === id);
    expect(send!.headers.authorization).toBe(`Bearer ${number.accessToken}`);
    expect(send!.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: `+${SHEENA}`,
      type: 'text',
      text: { body: 'Hi! How can I help? 😊' },
      context: { message_id: inbound.channelMessageId },
      biz_opaque_callback_data: id,
    });
  });

  it('applies statuses that come before the send returned, twice and in reverse, never backwards', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const { sessionId } = await kit.activeSession(number, accountId);
    kit.sandbox.setSwitches({
      statusBeforeResponse: true,
      duplicate: true,
      reorder: true,
      statusProgression: 'read',
    });
    const id = await kit.reply(sessionId, 'Early statuses');
    await expect.poll(async () => (await kit.statusOf(id)).status, { timeout: 15_000 }).toBe('read');
    await kit.sandbox.idle();
    expect((await kit.statusOf(id)).status).toBe('read');
  });

  it('parks a status of a wamid not stored yet and applies it once the send’s result is recorded', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const { sessionId } = await kit.activeSession(number, accountId);
    const [pending] = await kit.t.database.db
      .insert(messages)
      .values({
        tenantId: kit.f.tenant.id,
        sessionId,
        channelAccountId: accountId,
        direction: 'out',
        authorKind: 'operator',
        text: 'Sent by a slow outbox',
        status: 'sending',
      })
      .returning();
    const status = (id: string) =>
      whatsAppWebhook(number, {
        statuses: [{ id, status: 'delivered', timestamp: '1750000100', recipient_id: SHEENA }],
      });

    const [late] = await kit.sandbox.sendRawWebhook('whatsapp', status('wamid.slow-outbox'), 'valid');
    expect(late!.status).toBe(200);
    const [unknown] = await kit.sandbox.sendRawWebhook('whatsapp', status('wamid.sent-elsewhere'), 'valid');
    expect(unknown!.status).toBe(200);
    expect((await kit.statusOf(pending!.id)).status).toBe('sending');
    // The outbox records the send's result, as send-outbound.ts does.
    await kit.t.database.db
      .update(messages)
      .set({ status: 'sent', channelMessageId: 'wamid.slow-outbox' })
      .where(eq(messages.id, pending!.id));
    await expect
      .poll(async () => (await kit.statusOf(pending!.id)).status, { timeout: 20_000 })
      .toBe('delivered');
  });

  it('retries a transient error and sends; a final error is shown with Meta’s code and what to do', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const { sessionId } = await kit.activeSession(number, accountId);
    kit.sandbox.failNext({ product: 'whatsapp', code: 131000 });
    const retried = await kit.reply(sessionId, 'Transient');
    await expect.poll(async () => (await kit.statusOf(retried)).status, { timeout: 20_000 }).toBe('sent');
    expect(
      kit.sandbox.calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` }).length,
    ).toBeGreaterThanOrEqual(2);

    kit.sandbox.failNext({ product: 'whatsapp', code: 131026 });
    const final = await kit.reply(sessionId, 'Final');
    await expect.poll(async () => (await kit.statusOf(final)).status, { timeout: 15_000 }).toBe('error');
    expect(await kit.statusOf(final)).toMatchObject({
      errorCode: '131026',
      errorReason: expect.stringContaining('check the number'),
    });
  });
});

describe('the outbox under a burst', () => {
  it('sends each of many replies once and records each result on its own message, a final failure included', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const sheena = await kit.activeSession(number, accountId, SHEENA);
    const karel = await kit.activeSession(number, accountId, KAREL);
    kit.sandbox.clearCalls();
    kit.sandbox.failNext({ product: 'whatsapp', code: 131026, recipient: KAREL });
    // Stored together, as the engine's group commit hands a burst over, so that the outbox takes them in one batch.
    const actor = kit.olga();
    const stored = await storeSends(kit.t.engine, [
      ...Array.from({ length: 8 }, (_, i) => ({
        actor,
        sessionId: sheena.sessionId,
        input: { text: `Burst ${i}` },
      })),
      { actor, sessionId: karel.sessionId, input: { text: 'Undeliverable' } },
    ]);
    const ids = stored.map((result) => {
      if (result.status === 'rejected') throw result.reason;
      return result.value.id;
    });
    const failed = ids.at(-1)!;
    await expect
      .poll(async () => Promise.all(ids.map(async (id) => (await kit.statusOf(id)).status)), {
        timeout: 20_000,
      })
      .toEqual([...Array.from({ length: 8 }, () => 'sent'), 'error']);
    expect(await kit.statusOf(failed)).toMatchObject({ errorCode: '131026' });
    const calls = kit.sandbox.calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` });
    const sentIds = calls.map(
      (c) => (c.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data,
    );
    expect(sentIds.filter((id) => ids.includes(id!)).sort()).toEqual([...ids].sort());
    // Sheena's eight reached Meta one after another, in the order Olga wrote them.
    expect(sentIds.filter((id) => ids.slice(0, 8).includes(id!))).toEqual(ids.slice(0, 8));
    // Each call carried its own message's text to its own customer (the batch's sends read together).
    for (const call of calls) {
      const body = call.body as { biz_opaque_callback_data?: string; to?: string; text?: { body?: string } };
      const index = ids.indexOf(body.biz_opaque_callback_data!);
      if (index < 0) continue;
      expect(body.text?.body).toBe(index < 8 ? `Burst ${index}` : 'Undeliverable');
      expect(body.to).toBe(`+${index < 8 ? SHEENA : KAREL}`);
    }
    // Each sent message carries its own wamid, the one Meta answered for it.
    const wamids = await Promise.all(
      ids.slice(0, 8).map(async (id) => (await kit.statusOf(id)).channelMessageId),
    );
    expect(new Set(wamids).size).toBe(8);
    // Olga saw every message become sent, and the failed one fail.
    for (const id of ids.slice(0, 8))
      await kit.f.sockets.olga!.waitFor(
        (e) =>
          e.name === 'message.updated' &&
          (e.payload as any).id === id &&
          (e.payload as any).status === 'sent',
      );
    await kit.f.sockets.olga!.waitFor(
      (e) =>
        e.name === 'message.updated' &&
        (e.payload as any).id === failed &&
        (e.payload as any).status === 'error',
    );
  });
});

describe('the 24-hour window and read receipts', () => {
  it('allows free text for 24 hours after the customer’s last message, then templates only', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const { sessionId, inbound } = await kit.activeSession(number, accountId);
    const open = await call(kit.t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
      headers: kit.f.sessions.olga!.headers,
    });
    expect(open.body.composer).toMatchObject({ freeText: true, maxTextLength: 4096 });
    const until = new Date(open.body.composer.freeTextUntil).getTime();
    const [session] = await kit.t.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
    expect(until).toBe(session!.lastCustomerMessageAt!.getTime() + 24 * 3600_000);

    const tooLong = await call(kit.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: kit.f.sessions.olga!.headers,
      body: { text: 'x'.repeat(4097) },
    });
    expect(tooLong.body.error.code).toBe('text_too_long');

    // Both clocks move a day on; the app's timers are not released (the inactivity end would close the session).
    kit.sandbox.advanceClock(25 * 3600_000);
    kit.t.clock.set(new Date(kit.t.clock.now().getTime() + 25 * 3600_000));
    // Sign-ins last 12 hours: Olga signs in again.
    kit.f.sessions.olga = await logIn(kit.t.url, kit.f.tenant.operators[0]!);
    const closed = await call(kit.t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
      headers: kit.f.sessions.olga!.headers,
    });
    expect(closed.body.composer).toMatchObject({
      freeText: false,
      otherwise: 'templates',
      reason: expect.stringContaining('24 hours'),
    });
    const refused = await call(kit.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: kit.f.sessions.olga!.headers,
      body: { text: 'Still there?' },
    });
    expect(refused.body.error.code).toBe('window_closed');

    const read = await call(kit.t.url, 'POST', `/api/v1/sessions/${sessionId}/read`, {
      headers: kit.f.sessions.olga!.headers,
      body: { upToMessageId: inbound.id },
    });
    expect(read.body.read).toBe(1);
    await expect
      .poll(
        () =>
          kit.sandbox
            .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
            .map((c) => c.body as any)
            .find((b) => b.status === 'read'),
        { timeout: 15_000 },
      )
      .toMatchObject({ message_id: inbound.channelMessageId });
  });
});
