import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, sessions, wrapupReasons } from '../../db/schema.js';
import { call } from '../../../test/factories.js';
import { createTestClock } from '../../../test/harness.js';
import {
  startMessengerWorld,
  type MessengerTenant,
  type MessengerWorld,
} from '../../../test/messenger-world.js';

const HOUR = 3600_000;
const MINUTE = 60_000;
/** Longer than the test walks through: only the channel's own end and windows should act. */
const NO_INACTIVITY = { inactivityMinutes: 14 * 24 * 60 };

let w: MessengerWorld;

beforeAll(async () => {
  // One clock for the app and the sandbox: Meta's windows and our timers move together.
  w = await startMessengerWorld({ clock: createTestClock() });
});
afterAll(async () => w?.close());

const sends = (psid: string) =>
  w.sandbox
    .calls({ method: 'POST', pathContains: '/messages' })
    .filter((c) => JSON.stringify(c.body).includes(psid) && (c.body as { message?: unknown }).message)
    .map((c) => c.body as Record<string, any>);

async function composer(tenant: MessengerTenant, sessionId: string) {
  const detail = await call(w.t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
    headers: tenant.f.sessions.olga!.headers,
  });
  expect(detail.status).toBe(200);
  return detail.body.composer as {
    freeText: boolean;
    otherwise: string;
    reason?: string;
    freeTextUntil: string | null;
  };
}

async function sentText(tenant: MessengerTenant, sessionId: string, text: string) {
  const id = await w.reply(tenant, sessionId, text);
  await w.drained(sessionId);
  const [row] = await w.t.database.db.select().from(messages).where(eq(messages.id, id));
  expect(row!.status).toBe('sent');
  return row!;
}

async function end(tenant: MessengerTenant, sessionId: string) {
  const ended = await call(w.t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
    headers: tenant.f.sessions.olga!.headers,
    body: {},
  });
  expect(ended.status).toBe(200);
  await w.drained(sessionId);
}

const resume = (tenant: MessengerTenant, sessionId: string) =>
  call(w.t.url, 'POST', `/api/v1/sessions/${sessionId}/resume`, { headers: tenant.f.sessions.olga!.headers });

describe('the Messenger window', () => {
  it('answers as RESPONSE within 24 h, with HUMAN_AGENT up to 7 days (resumed too), and refuses after', async () => {
    const tenant = await w.tenant(NO_INACTIVITY);
    const psid = tenant.customer();
    const sessionId = await w.activeSession(tenant, psid, 'Ladder');
    const start = w.t.clock.now().getTime();

    await sentText(tenant, sessionId, 'Within a day');
    expect(sends(psid).at(-1)).toMatchObject({ messaging_type: 'RESPONSE' });
    expect((await composer(tenant, sessionId)).freeText).toBe(true);

    await w.t.advance(25 * HOUR);
    const tagged = await composer(tenant, sessionId);
    expect(tagged).toMatchObject({ freeText: true, reason: expect.stringContaining('HUMAN_AGENT') });
    expect(new Date(tagged.freeTextUntil!).getTime()).toBe(start + 7 * 24 * HOUR);
    await sentText(tenant, sessionId, 'A day later');
    expect(sends(psid).at(-1)).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });

    await end(tenant, sessionId);
    await w.t.advance(start + 7 * 24 * HOUR - HOUR - w.t.clock.now().getTime());
    const resumed = await resume(tenant, sessionId);
    expect(resumed.status).toBe(201);
    const resumedId = resumed.body.id as string;
    await sentText(tenant, resumedId, 'Six days later');
    expect(sends(psid).at(-1)).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });

    await w.t.advance(2 * HOUR);
    expect(await composer(tenant, resumedId)).toMatchObject({
      freeText: false,
      otherwise: 'nothing',
      reason: expect.stringContaining('More than 7 days'),
    });
    const refused = await call(w.t.url, 'POST', `/api/v1/sessions/${resumedId}/messages`, {
      headers: tenant.f.sessions.olga!.headers,
      body: { text: 'Too late' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'window_closed',
      message: expect.stringContaining('7 days'),
    });
    expect(sends(psid).some((b) => b.message?.text === 'Too late')).toBe(false);

    await end(tenant, resumedId);
    const again = await resume(tenant, resumedId);
    expect(again.status).toBe(422);
    expect(again.body.error.message).toContain('More than 7 days');

    // The customer writes again: a new session, and the window is open once more.
    const { mid } = await w.inject({ psid, text: 'Back again' });
    const fresh = (await w.messageByMid(tenant.accountId, mid))!;
    expect(fresh.sessionId).not.toBe(resumedId);
  });

  it('ends a session 168 h after the customer entered the queue, and warns only a customer it may still reach', async () => {
    const tenant = await w.tenant({ ...NO_INACTIVITY, warnBeforeMinutes: 15 });
    const quiet = tenant.customer();
    const back = tenant.customer();
    const quietId = await w.activeSession(tenant, quiet, 'Will this stay open?');
    const backId = await w.activeSession(tenant, back, 'Me too');
    const [queued] = await w.t.database.db.select().from(sessions).where(eq(sessions.id, quietId));
    const endAt = queued!.queuedAt.getTime() + 168 * HOUR;

    // `back` wrote 10 hours before the end, within the 24 hours an automatic message may go out in.
    await w.t.advance(endAt - 10 * HOUR - w.t.clock.now().getTime());
    const { mid: recent } = await w.inject({ psid: back, text: 'Any news?' });
    await expect.poll(() => w.messageByMid(tenant.accountId, recent)).toBeTruthy();

    await w.t.advance(endAt - 16 * MINUTE - w.t.clock.now().getTime());
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const early = await w.messagesOf(tenant.accountId);
    expect(early.some((m) => m.metadata.systemText === 'auto_end_warning')).toBe(false);

    await w.t.advance(MINUTE);
    const warning = 'This conversation will close in 15 minutes unless you reply.';
    await expect
      .poll(
        () => w.sandbox.conversation({ product: 'messenger', customer: back }).messages.map((m) => m.text),
        {
          timeout: 15_000,
        },
      )
      .toContain(warning);
    expect(sends(back).at(-1)).toMatchObject({ messaging_type: 'RESPONSE', message: { text: warning } });
    // `quiet` last wrote almost 7 days ago: only a person may answer now (HUMAN_AGENT), so no warning goes out.
    await expect
      .poll(
        async () =>
          (await w.messagesOf(tenant.accountId)).filter((m) => m.metadata.systemText === 'auto_end_warning')
            .length,
      )
      .toBe(1);
    expect(sends(quiet).some((b) => b.messaging_type === 'MESSAGE_TAG')).toBe(false);
    for (const id of [quietId, backId]) {
      const [still] = await w.t.database.db.select().from(sessions).where(eq(sessions.id, id));
      expect(still!.state).not.toBe('ended');
    }

    await w.t.advance(15 * MINUTE);
    const stateOf = async (id: string) =>
      (await w.t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!.state;
    await expect.poll(() => stateOf(quietId), { timeout: 15_000 }).toBe('ended');
    await expect.poll(() => stateOf(backId), { timeout: 15_000 }).toBe('ended');
    const [ended] = await w.t.database.db.select().from(sessions).where(eq(sessions.id, quietId));
    const [reason] = await w.t.database.db
      .select()
      .from(wrapupReasons)
      .where(eq(wrapupReasons.id, ended!.wrapupReasonId!));
    expect(reason!.name.toLowerCase()).toBe('auto-ended');
    expect(ended).toMatchObject({ endedBy: 'system', endReason: 'channel_window' });
    expect(ended!.endedAt!.getTime()).toBeGreaterThanOrEqual(endAt);
    // Not one automatic message went out with the tag meant for people.
    expect(sends(quiet).filter((b) => b.messaging_type === 'MESSAGE_TAG')).toEqual([]);
    expect(sends(back).filter((b) => b.messaging_type === 'MESSAGE_TAG')).toEqual([]);
  });
});
