import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema.js';
import { driver } from '../../../test/harness.js';
import { ChannelError } from '../channel-adapter.js';
import { waitBeforeSend } from './send-backoff.js';
import { whatsappAdapter } from './whatsapp-adapter.js';
import { KAREL, SHEENA, useWhatsAppKit } from './whatsapp-test-kit.js';

const kit = useWhatsAppKit(5);

describe('Meta’s rate limits', () => {
  it('holds only the recipient on 131056 while others keep flowing', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const sheena = await kit.activeSession(number, accountId, SHEENA);
    const karel = await kit.activeSession(number, accountId, KAREL);
    kit.sandbox.failNext({ product: 'whatsapp', code: 131056, recipient: SHEENA });
    const toSheena = await kit.reply(sheena.sessionId, 'For Sheena');
    await expect
      .poll(() => waitBeforeSend(kit.t.database.db, accountId, SHEENA), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await waitBeforeSend(kit.t.database.db, accountId, KAREL)).toBe(0);
    const toKarel = await kit.reply(karel.sessionId, 'For Karel');
    await expect.poll(async () => (await kit.statusOf(toKarel)).status, { timeout: 10_000 }).toBe('sent');
    await expect.poll(async () => (await kit.statusOf(toSheena)).status, { timeout: 30_000 }).toBe('sent');
  });

  it('holds the whole number on 130429, then sends everything', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const sheena = await kit.activeSession(number, accountId, SHEENA);
    const karel = await kit.activeSession(number, accountId, KAREL);
    kit.sandbox.clearCalls();
    kit.sandbox.failNext({ product: 'whatsapp', code: 130429 });
    const first = await kit.reply(sheena.sessionId, 'Throttled');
    await expect.poll(() => kit.sandbox.calls({ method: 'POST' }).length, { timeout: 10_000 }).toBe(1);
    const second = await kit.reply(karel.sessionId, 'Held too');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // The number is held: Karel's message waits without a call to Meta.
    expect((await kit.statusOf(second)).status).toBe('sending');
    expect(kit.sandbox.calls({ method: 'POST' })).toHaveLength(1);
    await expect.poll(async () => (await kit.statusOf(second)).status, { timeout: 30_000 }).toBe('sent');
    await expect.poll(async () => (await kit.statusOf(first)).status, { timeout: 30_000 }).toBe('sent');
  });

  // Two app instances share a database only on PostgreSQL (each PGlite test app has its own).
  it.runIf(driver === 'postgres')(
    'a hold written by one app instance is honoured by another on the same database',
    async () => {
      const { number, accountId } = await kit.connectedTenant();
      const { sessionId } = await kit.activeSession(number, accountId);
      await kit.withSecondApp(async (other) => {
        kit.sandbox.failNext({ product: 'whatsapp', code: 130429 });
        const throttled = await kit.reply(sessionId, 'Throttled on the first instance');
        await expect
          .poll(() => waitBeforeSend(other.database.db, accountId, SHEENA), { timeout: 3_000 })
          .toBeGreaterThan(0);
        const [session] = await other.database.db.select().from(sessions).where(eq(sessions.id, sessionId));
        kit.sandbox.clearCalls();
        // The second instance's outbox takes the message now: held, without calling Meta.
        const outcome = await whatsappAdapter
          .send(
            {
              tx: other.database.db,
              tenantId: session!.tenantId,
              channelAccountId: accountId,
              sessionId,
              contactId: session!.contactId,
            },
            { messageId: throttled },
          )
          .catch((error: unknown) => error);
        expect(outcome).toBeInstanceOf(ChannelError);
        expect(outcome).toMatchObject({ code: 'held', retryable: true });
        expect(kit.sandbox.calls({ method: 'POST', pathContains: '/messages' })).toHaveLength(0);
        await expect
          .poll(async () => (await kit.statusOf(throttled)).status, { timeout: 30_000 })
          .toBe('sent');
      });
    },
  );
});
