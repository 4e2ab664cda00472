import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { channelAccounts } from '../db/schema.js';
import { call } from '../../test/factories.js';
import { useEngineTestApp, type EngineFixture } from '../../test/engine-setup.js';
import { activeChat } from '../../test/engine-steps.js';
import { sleep } from '../../test/socket-client.js';
import { receiveInbound } from './receive-inbound.js';

const engine = useEngineTestApp();
let f: EngineFixture;

const payload = (e: { payload: unknown }) => e.payload as any;
const texts = async (sessionId: string, headers: Record<string, string>) =>
  (await call(engine.t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, { headers })).body.items.map(
    (m: { text: string }) => m.text,
  );

describe('watching', () => {
  it('a supervisor watches a session live without taking part; others cannot watch it', async () => {
    f = await engine.fixture();
    const { customer, sessionId } = await activeChat(engine.t, f);
    const denied = await f.sockets.petr!.socket.emitWithAck('session.watch', { sessionId });
    expect(denied).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const watching = await f.sockets.supervisor!.socket.emitWithAck('session.watch', { sessionId });
    expect(watching).toEqual({ ok: true, data: { watching: true } });
    await customer.send('Supervisor, are you there?');
    await f.sockets.supervisor!.waitFor(
      (e) => e.name === 'message.created' && payload(e).text === 'Supervisor, are you there?',
    );
    await sleep(200);
    expect(f.sockets.petr!.events.some((e) => e.name === 'message.created')).toBe(false);
    await f.sockets.supervisor!.socket.emitWithAck('session.unwatch', { sessionId });
    await customer.send('Gone?');
    await f.sockets.olga!.waitFor((e) => e.name === 'message.created' && payload(e).text === 'Gone?');
    await sleep(200);
    expect(
      f.sockets.supervisor!.events.some((e) => e.name === 'message.created' && payload(e).text === 'Gone?'),
    ).toBe(false);
    customer.close();
  });
});

describe('delivery status', () => {
  it('only moves forward, whatever order the channel reports it in', async () => {
    f = await engine.fixture();
    const { customer, sessionId } = await activeChat(engine.t, f);
    const reply = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Tracked' },
    });
    const report = (status: 'sent' | 'delivered' | 'read' | 'failed') =>
      receiveInbound(engine.t.engine, {
        tenantId: f.tenant.id,
        channel: 'webchat',
        channelAccountId: f.channelAccountId,
        customer: { identities: [{ kind: 'webchat_visitor', value: customer.visitorId }] },
        event: { kind: 'status', channelMessageId: reply.body.id, status, at: engine.t.clock.now() },
      });
    const statusNow = async () =>
      (
        await call(engine.t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, {
          headers: f.sessions.olga!.headers,
        })
      ).body.items.find((m: { id: string }) => m.id === reply.body.id).status;
    // A failure after `sent` counts (Meta's order); nothing but a retry undoes it.
    const failing = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Will fail' },
    });
    const failReport = (status: 'sent' | 'delivered' | 'failed') =>
      receiveInbound(engine.t.engine, {
        tenantId: f.tenant.id,
        channel: 'webchat',
        channelAccountId: f.channelAccountId,
        customer: { identities: [{ kind: 'webchat_visitor', value: customer.visitorId }] },
        event: {
          kind: 'status',
          channelMessageId: failing.body.id,
          status,
          at: engine.t.clock.now(),
          error: { code: '131026', reason: 'Undeliverable' } as never,
        },
      });
    expect(await failReport('failed')).toEqual({ outcome: 'updated' });
    expect(await failReport('sent')).toEqual({ outcome: 'ignored' });
    expect(await failReport('delivered')).toEqual({ outcome: 'ignored' });
    expect(await report('read')).toEqual({ outcome: 'updated' });
    expect(await statusNow()).toBe('read');
    for (const late of ['delivered', 'sent', 'read', 'failed'] as const)
      expect(await report(late)).toEqual({ outcome: 'ignored' });
    expect(await statusNow()).toBe('read');
    // A status for a message nobody knows changes nothing and is no error.
    const unknown = await receiveInbound(engine.t.engine, {
      tenantId: f.tenant.id,
      channel: 'webchat',
      channelAccountId: f.channelAccountId,
      customer: { identities: [{ kind: 'webchat_visitor', value: customer.visitorId }] },
      event: {
        kind: 'status',
        channelMessageId: 'no-such-message',
        status: 'delivered',
        at: engine.t.clock.now(),
      },
    });
    expect(unknown).toEqual({ outcome: 'ignored' });
    customer.close();
  });
});

describe('timers on the application clock', () => {
  it('ends an inactive session with the "Auto-ended" wrap-up', async () => {
    f = await engine.fixture();
    const { customer, sessionId } = await activeChat(engine.t, f);
    await engine.t.advance(20 * 60_000);
    await customer.send('still there?');
    await engine.t.advance(20 * 60_000);
    await sleep(1500);
    expect(
      (
        await call(engine.t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
          headers: f.sessions.olga!.headers,
        })
      ).body.session.state,
    ).toBe('active');
    await engine.t.advance(11 * 60_000);
    const ended = await f.sockets.olga!.waitFor(
      (e) =>
        e.name === 'session.changed' &&
        payload(e).session.id === sessionId &&
        payload(e).session.state === 'ended',
      10_000,
    );
    expect(payload(ended).session).toMatchObject({ endedBy: 'system', endReason: 'inactive' });
    const reasons = await call(engine.t.url, 'GET', '/api/v1/wrapup-reasons', {
      headers: f.sessions.olga!.headers,
    });
    const autoEnded = (reasons.body.items as Array<{ id: string; name: string }>).find(
      (r) => r.name === 'Auto-ended',
    );
    expect(payload(ended).session.wrapupReasonId).toBe(autoEnded!.id);
    customer.close();
  });

  it('a channel-imposed end warns the customer first, then ends the session', async () => {
    f = await engine.fixture();
    await engine.t.database.db
      .update(channelAccounts)
      .set({ settings: { maxSessionMinutes: 60, warnBeforeMinutes: 10, inactivityMinutes: 1000 } })
      .where(eq(channelAccounts.id, f.channelAccountId));
    const { customer, sessionId } = await activeChat(engine.t, f);
    await engine.t.advance(50 * 60_000);
    const warning = await customer.waitFor(
      (e) => e.name === 'visitor.message' && /close in 10 minutes/.test(payload(e).text),
      10_000,
    );
    expect(payload(warning).authorKind).toBe('system');
    await engine.t.advance(10 * 60_000);
    const ended = await f.sockets.olga!.waitFor(
      (e) =>
        e.name === 'session.changed' &&
        payload(e).session.id === sessionId &&
        payload(e).session.state === 'ended',
      10_000,
    );
    expect(payload(ended).session.endReason).toBe('channel_window');
    expect(await texts(sessionId, f.sessions.supervisor!.headers)).toContain(
      'This conversation will close in 10 minutes unless you reply.',
    );
    customer.close();
  });
});
