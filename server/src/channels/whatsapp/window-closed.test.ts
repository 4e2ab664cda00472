import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { channelAccounts } from '../../db/schema.js';
import type { EventEnvelope } from '../../realtime/event-map.js';
import { call } from '../../../test/factories.js';
import { HOUR, KAREL, SHEENA, useWhatsAppKit } from './whatsapp-test-kit.js';

const kit = useWhatsAppKit(1);

const composerChanged =
  (sessionId: string, freeText: boolean, after = 0) =>
  (e: EventEnvelope) =>
    e.seq > after &&
    e.name === 'session.changed' &&
    (e.payload as { session: { id: string; composer?: { freeText: boolean } } }).session.id === sessionId &&
    (e.payload as { session: { composer?: { freeText: boolean } } }).session.composer?.freeText === freeText;

async function composer(sessionId: string) {
  const detail = await call(kit.t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
    headers: kit.f.sessions.olga!.headers,
  });
  return detail.body.composer;
}

describe('Meta closes the window (131047)', () => {
  for (const mode of ['sync', 'async'] as const) {
    it(`marks the message and switches the composer to templates until the customer writes (${mode})`, async () => {
      const { number, accountId } = await kit.connectedTenant();
      const { sessionId } = await kit.activeSession(number, accountId);
      const olga = kit.f.sockets.olga!;
      expect(await composer(sessionId)).toMatchObject({ freeText: true });
      if (mode === 'sync') kit.sandbox.setSwitches({ windowMode: 'sync' });
      kit.sandbox.failNext({ product: 'whatsapp', code: 131047, mode });
      const refused = await kit.reply(sessionId, `Are you there? (${mode})`);
      await expect.poll(async () => (await kit.statusOf(refused)).status, { timeout: 15_000 }).toBe('error');
      expect(await kit.statusOf(refused)).toMatchObject({
        errorCode: '131047',
        errorReason: expect.stringMatching(
          /^Outside the 24-hour window \(131047\)\. .*send an approved WhatsApp template/,
        ),
      });
      expect((await kit.sessionRow(sessionId)).windowClosedAt).not.toBeNull();
      const closed = await olga.waitFor(composerChanged(sessionId, false));
      expect((closed.payload as any).session.composer).toMatchObject({
        freeText: false,
        otherwise: 'templates',
        reason: expect.stringContaining('131047'),
      });
      expect(await composer(sessionId)).toMatchObject({ freeText: false, otherwise: 'templates' });
      const text = await call(kit.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
        headers: kit.f.sessions.olga!.headers,
        body: { text: 'Free text now?' },
      });
      expect(text.body.error).toMatchObject({ code: 'window_closed', details: { otherwise: 'templates' } });

      // The customer writes: the window opens again, and every workspace hears it.
      await kit.inject(number, { from: SHEENA, type: 'text', text: { body: 'Yes, here' } });
      await olga.waitFor(composerChanged(sessionId, true, closed.seq));
      expect((await kit.sessionRow(sessionId)).windowClosedAt).toBeNull();
      expect(await composer(sessionId)).toMatchObject({ freeText: true });
      const again = await kit.reply(sessionId, 'Good, let us continue');
      await expect.poll(async () => (await kit.statusOf(again)).status, { timeout: 15_000 }).toBe('sent');
    });
  }
});

describe('the window’s end on the clock', () => {
  it('announces the switch to templates when 24 hours have passed, without any request', async () => {
    const { number, accountId } = await kit.connectedTenant();
    // A longer inactivity period than the window, so that the session is still open when the window ends.
    await kit.t.database.db
      .update(channelAccounts)
      .set({ settings: { wabaId: number.wabaId, inactivityMinutes: 48 * 60 } })
      .where(eq(channelAccounts.id, accountId));
    const { sessionId } = await kit.activeSession(number, accountId);
    const olga = kit.f.sockets.olga!;
    const before = olga.events.at(-1)?.seq ?? 0;
    kit.sandbox.advanceClock(24 * HOUR + 60_000);
    await kit.t.advance(24 * HOUR + 60_000);
    const changed = await olga.waitFor(composerChanged(sessionId, false, before), 20_000);
    expect((changed.payload as any).session).toMatchObject({
      state: 'active',
      composer: { freeText: false, otherwise: 'templates', reason: expect.stringContaining('24 hours') },
    });
  });

  it('follows a later customer message: the switch comes 24 hours after the last one, not the first', async () => {
    const { number, accountId } = await kit.connectedTenant();
    await kit.t.database.db
      .update(channelAccounts)
      .set({ settings: { wabaId: number.wabaId, inactivityMinutes: 48 * 60 } })
      .where(eq(channelAccounts.id, accountId));
    const { sessionId } = await kit.activeSession(number, accountId, KAREL);
    await kit.advanceBoth(2 * HOUR);
    await kit.t.advance(0);
    await kit.inject(number, { from: KAREL, type: 'text', text: { body: 'One more thing' } });
    await expect.poll(async () => (await composer(sessionId)).freeTextUntil).not.toBeNull();
    const olga = kit.f.sockets.olga!;
    const before = olga.events.at(-1)?.seq ?? 0;
    // 24 hours after the first message: the window is still open (the second message moved its end).
    await kit.advanceBoth(22 * HOUR + 60_000);
    await kit.t.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(olga.events.some(composerChanged(sessionId, false, before))).toBe(false);
    expect((await composer(sessionId)).freeText).toBe(true);
    // 24 hours after the second one: the switch is announced.
    await kit.advanceBoth(2 * HOUR);
    await kit.t.advance(0);
    await olga.waitFor(composerChanged(sessionId, false, before), 20_000);
  });
});
