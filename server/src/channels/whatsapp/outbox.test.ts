import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, outbox } from '../../db/schema.js';
import { storeSends } from '../../sessions/send-message.js';
import { driver } from '../../../test/harness.js';
import { KAREL, SHEENA, useWhatsAppKit } from './whatsapp-test-kit.js';

const kit = useWhatsAppKit(6);

/** The outbox row of a message, if it has one. */
async function rowOf(messageId: string) {
  const [row] = await kit.t.database.db.select().from(outbox).where(eq(outbox.messageId, messageId));
  return row;
}

function sendsTo(phoneNumberId: string, messageId: string) {
  return kit.sandbox
    .calls({ method: 'POST', pathContains: `${phoneNumberId}/messages` })
    .filter((c) => (c.body as { biz_opaque_callback_data?: string }).biz_opaque_callback_data === messageId);
}

describe('the outbox', () => {
  it('keeps a reply’s row until Meta has it, then removes it', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const { sessionId } = await kit.activeSession(number, accountId);
    kit.sandbox.failNext({ product: 'whatsapp', code: 131000 });
    const id = await kit.reply(sessionId, 'After a transient error');
    // The first call failed: the row waits for its retry with the attempt counted and Meta's error kept.
    await expect
      .poll(async () => (await rowOf(id))?.lastError ?? '', { timeout: 10_000 })
      .toContain('131000');
    expect(await rowOf(id)).toMatchObject({ attempts: 1 });
    await expect.poll(async () => (await kit.statusOf(id)).status, { timeout: 20_000 }).toBe('sent');
    expect(await rowOf(id)).toBeUndefined();
    expect(sendsTo(number.phoneNumberId, id)).toHaveLength(2);
  });

  it('a rate-limit hold does not use up an attempt', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const sheena = await kit.activeSession(number, accountId, SHEENA);
    const karel = await kit.activeSession(number, accountId, KAREL);
    kit.sandbox.failNext({ product: 'whatsapp', code: 130429 });
    const throttled = await kit.reply(sheena.sessionId, 'Throttled');
    await expect.poll(async () => (await rowOf(throttled))?.attempts, { timeout: 10_000 }).toBe(1);
    const held = await kit.reply(karel.sessionId, 'Held');
    await expect
      .poll(async () => (await rowOf(held))?.lastError ?? '', { timeout: 10_000 })
      .toContain('held');
    expect(await rowOf(held)).toMatchObject({ attempts: 0 });
    expect(sendsTo(number.phoneNumberId, held)).toHaveLength(0);
    // Both go out when the hold ends.
    await expect.poll(async () => (await kit.statusOf(held)).status, { timeout: 20_000 }).toBe('sent');
    await expect.poll(async () => (await kit.statusOf(throttled)).status, { timeout: 20_000 }).toBe('sent');
    expect(sendsTo(number.phoneNumberId, held)).toHaveLength(1);
  });

  it('claims again, and sends once, a row whose process died with the claim', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const { sessionId } = await kit.activeSession(number, accountId);
    const id = await kit.reply(sessionId, 'Claimed by a process that died');
    await expect.poll(async () => (await kit.statusOf(id)).status, { timeout: 10_000 }).toBe('sent');
    // As a killed process leaves it: the message still sending, its row claimed for the lease, no call made.
    kit.sandbox.clearCalls();
    const db = kit.t.database.db;
    await db.update(messages).set({ status: 'sending', channelMessageId: null }).where(eq(messages.id, id));
    await db.insert(outbox).values({
      messageId: id,
      tenantId: kit.f.tenant.id,
      attempts: 1,
      availableAt: sql`now() + interval '180 seconds'`,
    });
    // Polls (every half second here) leave a claimed row alone.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(sendsTo(number.phoneNumberId, id)).toHaveLength(0);
    // The lease runs out: the next poll claims it.
    await db
      .update(outbox)
      .set({ availableAt: sql`now()` })
      .where(eq(outbox.messageId, id));
    await expect.poll(async () => (await kit.statusOf(id)).status, { timeout: 10_000 }).toBe('sent');
    expect(sendsTo(number.phoneNumberId, id)).toHaveLength(1);
    expect(await rowOf(id)).toBeUndefined();
  });

  // Two app instances share a database only on PostgreSQL (each PGlite test app has its own).
  it.runIf(driver === 'postgres')('sends what a process without the worker role committed', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const { sessionId } = await kit.activeSession(number, accountId);
    await kit.withSecondApp(async (apiOnly) => {
      const [stored] = await storeSends(apiOnly.engine, [
        { actor: kit.olga(), sessionId, input: { text: 'Committed by the API-only process' } },
      ]);
      if (stored!.status === 'rejected') throw stored!.reason;
      const id = stored!.value.id;
      expect(await rowOf(id)).toBeDefined();
      // The worker process finds it at its next poll.
      await expect.poll(async () => (await kit.statusOf(id)).status, { timeout: 10_000 }).toBe('sent');
      expect(sendsTo(number.phoneNumberId, id)).toHaveLength(1);
    });
  });
});
