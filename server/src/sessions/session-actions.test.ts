import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { channelAccounts, tenants } from '../db/schema.js';
import { call } from '../../test/factories.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { engineFixture, type EngineFixture } from '../../test/engine-setup.js';
import { activeChat } from '../../test/engine-steps.js';
import { sleep } from '../../test/socket-client.js';
import { receiveInbound } from './receive-inbound.js';

let t: TestApp;
let f: EngineFixture;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
afterEach(() => f?.close());

const payload = (e: { payload: unknown }) => e.payload as any;
const texts = async (sessionId: string, headers: Record<string, string>) =>
  (await call(t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, { headers })).body.items.map(
    (m: { text: string }) => m.text,
  );

describe('transfer', () => {
  it('to a group: the session joins that queue, its operator gets the offer, the customer is told', async () => {
    f = await engineFixture(t);
    const { customer, sessionId } = await activeChat(t, f);
    await f.available('petr');
    const targets = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}/transfer-targets`, {
      headers: f.sessions.olga!.headers,
    });
    expect(targets.body.groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: f.tenant.groupB, name: 'Group B', waiting: 0, available: 1 }),
      ]),
    );
    expect(targets.body.operators).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Petr', presence: 'available', load: 0, capacity: 3 }),
      ]),
    );

    const moved = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/transfer`, {
      headers: f.sessions.olga!.headers,
      body: { groupId: f.tenant.groupB },
    });
    expect(moved.status).toBe(200);
    const offer = await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).sessionId === sessionId,
    );
    expect(payload(offer).session).toMatchObject({ groupName: 'Group B', state: 'offered' });
    await customer.waitFor((e) => e.name === 'visitor.message' && /transferred/.test(payload(e).text));
    await call(t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
      headers: f.sessions.petr!.headers,
    });
    const detail = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
      headers: f.sessions.petr!.headers,
    });
    expect(detail.body.session.participants).toEqual([
      expect.objectContaining({ name: 'Petr', role: 'owner' }),
    ]);
    // Olga is out of it now.
    const olgaSends = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'still here?' },
    });
    expect(olgaSends.status).toBe(404);
    customer.close();
  });

  it('to an operator who does not accept in time: back to the group queue at the front, never dropped', async () => {
    f = await engineFixture(t, { capacity: 1 });
    const { customer, sessionId } = await activeChat(t, f, 'First in line');
    await f.available('petr');
    const moved = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/transfer`, {
      headers: f.sessions.olga!.headers,
      body: { userId: f.tenant.operators[1]!.id },
    });
    expect(moved.body.state).toBe('offered');
    const offer = await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).kind === 'transfer',
    );
    expect(payload(offer).fromUserId).toBe(f.tenant.operators[0]!.id);
    // Meanwhile another customer queues in group A; Olga (capacity 1) is busy with… nothing now, so block her.
    await call(t.url, 'PUT', '/api/v1/operators/me/presence', {
      headers: f.sessions.olga!.headers,
      body: { status: 'away' },
    });
    await call(t.url, 'POST', `/api/v1/webchat/${f.key}/chat`, { body: { question: 'Second in line' } });
    await t.advance(31_000);
    await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.closed' && payload(e).reason === 'expired',
      10_000,
    );
    await customer.waitFor(
      (e) => e.name === 'visitor.message' && /next available operator/.test(payload(e).text),
    );
    const queue = await call(t.url, 'GET', '/api/v1/sessions?state=waiting', {
      headers: f.sessions.supervisor!.headers,
    });
    expect(queue.body.items.map((s: { firstMessage: string }) => s.firstMessage)).toEqual(
      expect.arrayContaining(['First in line', 'Second in line']),
    );
    // Olga comes back: the returned session is offered before the newer one.
    const mark = f.sockets.olga!.events.at(-1)?.seq ?? 0;
    await f.available('olga');
    const next = await f.sockets.olga!.waitFor((e) => e.seq > mark && e.name === 'offer.created');
    expect(payload(next).sessionId).toBe(sessionId);
    expect(payload(next).session.priority).toBeGreaterThan(0);
    customer.close();
  });
});

describe('conference', () => {
  it('invite, accept, both write under their names, the guest exits, the session goes on', async () => {
    f = await engineFixture(t);
    const { customer, sessionId } = await activeChat(t, f);
    await f.available('petr');
    const invited = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/conference`, {
      headers: f.sessions.olga!.headers,
      body: { userId: f.tenant.operators[1]!.id },
    });
    expect(invited.status).toBe(200);
    const offer = await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).kind === 'conference',
    );
    await call(t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
      headers: f.sessions.petr!.headers,
    });
    await customer.waitFor(
      (e) => e.name === 'visitor.message' && payload(e).text === 'Petr joined the conversation.',
    );

    await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.petr!.headers,
      body: { text: 'Petr here' },
    });
    const fromPetr = await customer.waitFor(
      (e) => e.name === 'visitor.message' && payload(e).text === 'Petr here',
    );
    expect(payload(fromPetr).authorName).toBe('Petr');
    // Olga sees the guest's message live.
    await f.sockets.olga!.waitFor((e) => e.name === 'message.created' && payload(e).author?.name === 'Petr');

    const ownerExit = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/conference/exit`, {
      headers: f.sessions.olga!.headers,
    });
    expect(ownerExit.status).toBe(422);
    const guestEnds = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
      headers: f.sessions.petr!.headers,
      body: {},
    });
    expect(guestEnds.body.error.code).toBe('not_in_session');
    const exit = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/conference/exit`, {
      headers: f.sessions.petr!.headers,
    });
    expect(exit.body).toMatchObject({ state: 'active', participants: [{ name: 'Olga', role: 'owner' }] });
    await customer.waitFor(
      (e) => e.name === 'visitor.message' && payload(e).text === 'Petr left the conversation.',
    );
    const goesOn = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Back to us two' },
    });
    expect(goesOn.status).toBe(201);

    // The host can also end a conference.
    const again = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/conference`, {
      headers: f.sessions.olga!.headers,
      body: { userId: f.tenant.operators[1]!.id },
    });
    expect(again.status).toBe(200);
    const offer2 = await f.sockets.petr!.waitFor(
      (e) =>
        e.name === 'offer.created' && payload(e).kind === 'conference' && payload(e).id !== payload(offer).id,
    );
    await call(t.url, 'POST', `/api/v1/offers/${payload(offer2).id}/accept`, {
      headers: f.sessions.petr!.headers,
    });
    const ended = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/conference/end`, {
      headers: f.sessions.olga!.headers,
    });
    expect(ended.body.participants).toEqual([expect.objectContaining({ name: 'Olga' })]);
    customer.close();
  });
});

describe('end and wrap-up', () => {
  it('requires a wrap-up reason when the tenant says so, then ends with reason, note and tags, and tells the customer', async () => {
    f = await engineFixture(t);
    await t.database.db
      .update(tenants)
      .set({ settings: { wrapupRequired: true, endMessage: 'Díky, na shledanou!' } })
      .where(eq(tenants.id, f.tenant.id));
    const { customer, sessionId } = await activeChat(t, f);
    const reason = await call(t.url, 'POST', '/api/v1/wrapup-reasons', {
      headers: f.sessions.admin!.headers,
      body: { name: 'Resolved' },
    });
    const tag = await call(t.url, 'POST', '/api/v1/tags', {
      headers: f.sessions.admin!.headers,
      body: { name: 'vip' },
    });
    expect([reason.status, tag.status]).toEqual([201, 201]);

    const refused = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
      headers: f.sessions.olga!.headers,
      body: { note: 'no reason' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('wrapup_required');
    expect(
      (await call(t.url, 'GET', `/api/v1/sessions/${sessionId}`, { headers: f.sessions.olga!.headers })).body
        .session.state,
    ).toBe('active');

    const ended = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
      headers: f.sessions.olga!.headers,
      body: { wrapupReasonId: reason.body.id, note: 'Sorted the refund', tagIds: [tag.body.id] },
    });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({
      state: 'ended',
      endedBy: 'operator',
      wrapupReasonId: reason.body.id,
      wrapupNote: 'Sorted the refund',
      tagIds: [tag.body.id],
      participants: [],
    });
    await customer.waitFor((e) => e.name === 'visitor.message' && payload(e).text === 'Díky, na shledanou!');
    await customer.waitFor((e) => e.name === 'visitor.session' && payload(e).state === 'ended');
    const again = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
      headers: f.sessions.olga!.headers,
      body: { wrapupReasonId: reason.body.id },
    });
    expect(again.body.error.code).toBe('session_state');

    // The customer rates the chat from the widget; once.
    const rated = await customer.request('POST', '/rating', { stars: 5, comment: 'Quick!' });
    expect(rated.body).toMatchObject({ rating: 5 });
    expect((await customer.request('POST', '/rating', { stars: 1 })).status).toBe(409);
    customer.close();
  });

  it('the customer may end a web chat from the widget', async () => {
    f = await engineFixture(t);
    const { customer, sessionId } = await activeChat(t, f);
    const ended = await customer.request('POST', '/end');
    expect(ended.status).toBe(200);
    const change = await f.sockets.olga!.waitFor(
      (e) =>
        e.name === 'session.changed' &&
        payload(e).session.id === sessionId &&
        payload(e).session.state === 'ended',
    );
    expect(payload(change).session.endedBy).toBe('customer');
    customer.close();
  });
});

describe('resume and take-over', () => {
  it('resumes an ended session straight to the operator; refuses while another is open or when blacklisted', async () => {
    f = await engineFixture(t);
    const { customer, sessionId } = await activeChat(t, f);
    const openOne = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/resume`, {
      headers: f.sessions.olga!.headers,
    });
    expect(openOne.body.error.code).toBe('session_state');
    await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
      headers: f.sessions.olga!.headers,
      body: {},
    });
    const resumed = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/resume`, {
      headers: f.sessions.olga!.headers,
    });
    expect(resumed.status).toBe(201);
    expect(resumed.body).toMatchObject({
      state: 'active',
      resumedFromId: sessionId,
      participants: [{ name: 'Olga', role: 'owner' }],
    });
    const twice = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/resume`, {
      headers: f.sessions.olga!.headers,
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('open_session_exists');
    await call(t.url, 'POST', `/api/v1/sessions/${resumed.body.id}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Following up' },
    });
    await customer.waitFor((e) => e.name === 'visitor.message' && payload(e).text === 'Following up');
    await call(t.url, 'POST', `/api/v1/sessions/${resumed.body.id}/end`, {
      headers: f.sessions.olga!.headers,
      body: {},
    });

    const blacklisted = await call(t.url, 'POST', '/api/v1/blacklist', {
      headers: f.sessions.admin!.headers,
      body: { contactId: resumed.body.contact.id, reason: 'abuse' },
    });
    expect(blacklisted.status).toBe(201);
    const refused = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/resume`, {
      headers: f.sessions.olga!.headers,
    });
    expect(refused.body.error.code).toBe('contact_blacklisted');
    // And a blacklisted customer's new message opens nothing.
    const blocked = await customer.send('let me in');
    expect(blocked.status).toBe(403);
    customer.close();
  });

  it('a supervisor takes over a session of their group; an operator cannot', async () => {
    f = await engineFixture(t);
    const { customer, sessionId } = await activeChat(t, f);
    const byOperator = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/take-over`, {
      headers: f.sessions.petr!.headers,
    });
    expect(byOperator.status).toBe(403);
    const taken = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/take-over`, {
      headers: f.sessions.supervisor!.headers,
    });
    expect(taken.body.participants).toEqual([expect.objectContaining({ name: 'Supervisor', role: 'owner' })]);
    await f.sockets.olga!.waitFor(
      (e) =>
        e.name === 'session.changed' &&
        payload(e).session.participants.length === 1 &&
        payload(e).session.participants[0].name === 'Supervisor',
    );
    customer.close();
  });
});

describe('watching', () => {
  it('a supervisor watches a session live without taking part; others cannot watch it', async () => {
    f = await engineFixture(t);
    const { customer, sessionId } = await activeChat(t, f);
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
    f = await engineFixture(t);
    const { customer, sessionId } = await activeChat(t, f);
    const reply = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Tracked' },
    });
    const report = (status: 'sent' | 'delivered' | 'read' | 'failed') =>
      receiveInbound(t.engine, {
        tenantId: f.tenant.id,
        channel: 'webchat',
        channelAccountId: f.channelAccountId,
        customer: { identities: [{ kind: 'webchat_visitor', value: customer.visitorId }] },
        event: { kind: 'status', channelMessageId: reply.body.id, status, at: t.clock.now() },
      });
    const statusNow = async () =>
      (
        await call(t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, {
          headers: f.sessions.olga!.headers,
        })
      ).body.items.find((m: { id: string }) => m.id === reply.body.id).status;
    // A failure after `sent` counts (Meta's order); nothing but a retry undoes it.
    const failing = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Will fail' },
    });
    const failReport = (status: 'sent' | 'delivered' | 'failed') =>
      receiveInbound(t.engine, {
        tenantId: f.tenant.id,
        channel: 'webchat',
        channelAccountId: f.channelAccountId,
        customer: { identities: [{ kind: 'webchat_visitor', value: customer.visitorId }] },
        event: {
          kind: 'status',
          channelMessageId: failing.body.id,
          status,
          at: t.clock.now(),
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
    const unknown = await receiveInbound(t.engine, {
      tenantId: f.tenant.id,
      channel: 'webchat',
      channelAccountId: f.channelAccountId,
      customer: { identities: [{ kind: 'webchat_visitor', value: customer.visitorId }] },
      event: { kind: 'status', channelMessageId: 'no-such-message', status: 'delivered', at: t.clock.now() },
    });
    expect(unknown).toEqual({ outcome: 'ignored' });
    customer.close();
  });
});

describe('timers on the application clock', () => {
  it('ends an inactive session with the "Auto-ended" wrap-up', async () => {
    f = await engineFixture(t);
    const { customer, sessionId } = await activeChat(t, f);
    await t.advance(20 * 60_000);
    await customer.send('still there?');
    await t.advance(20 * 60_000);
    await sleep(1500);
    expect(
      (await call(t.url, 'GET', `/api/v1/sessions/${sessionId}`, { headers: f.sessions.olga!.headers })).body
        .session.state,
    ).toBe('active');
    await t.advance(11 * 60_000);
    const ended = await f.sockets.olga!.waitFor(
      (e) =>
        e.name === 'session.changed' &&
        payload(e).session.id === sessionId &&
        payload(e).session.state === 'ended',
      10_000,
    );
    expect(payload(ended).session).toMatchObject({ endedBy: 'system', endReason: 'inactive' });
    const reasons = await call(t.url, 'GET', '/api/v1/wrapup-reasons', { headers: f.sessions.olga!.headers });
    const autoEnded = (reasons.body.items as Array<{ id: string; name: string }>).find(
      (r) => r.name === 'Auto-ended',
    );
    expect(payload(ended).session.wrapupReasonId).toBe(autoEnded!.id);
    customer.close();
  });

  it('a channel-imposed end warns the customer first, then ends the session', async () => {
    f = await engineFixture(t);
    await t.database.db
      .update(channelAccounts)
      .set({ settings: { maxSessionMinutes: 60, warnBeforeMinutes: 10, inactivityMinutes: 1000 } })
      .where(eq(channelAccounts.id, f.channelAccountId));
    const { customer, sessionId } = await activeChat(t, f);
    await t.advance(50 * 60_000);
    const warning = await customer.waitFor(
      (e) => e.name === 'visitor.message' && /close in 10 minutes/.test(payload(e).text),
      10_000,
    );
    expect(payload(warning).authorKind).toBe('system');
    await t.advance(10 * 60_000);
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
