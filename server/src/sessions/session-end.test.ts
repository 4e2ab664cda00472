import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { tenants } from '../db/schema.js';
import { call } from '../../test/factories.js';
import { useEngineTestApp, type EngineFixture } from '../../test/engine-setup.js';
import { activeChat } from '../../test/engine-steps.js';

const engine = useEngineTestApp();
let f: EngineFixture;

const payload = (e: { payload: unknown }) => e.payload as any;

describe('end and wrap-up', () => {
  it('requires a wrap-up reason when the tenant says so, then ends with reason, note and tags, and tells the customer', async () => {
    f = await engine.fixture();
    await engine.t.database.db
      .update(tenants)
      .set({ settings: { wrapupRequired: true, endMessage: 'Díky, na shledanou!' } })
      .where(eq(tenants.id, f.tenant.id));
    const { customer, sessionId } = await activeChat(engine.t, f);
    const reason = await call(engine.t.url, 'POST', '/api/v1/wrapup-reasons', {
      headers: f.sessions.admin!.headers,
      body: { name: 'Resolved' },
    });
    const tag = await call(engine.t.url, 'POST', '/api/v1/tags', {
      headers: f.sessions.admin!.headers,
      body: { name: 'vip' },
    });
    expect([reason.status, tag.status]).toEqual([201, 201]);

    const refused = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
      headers: f.sessions.olga!.headers,
      body: { note: 'no reason' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('wrapup_required');
    expect(
      (
        await call(engine.t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
          headers: f.sessions.olga!.headers,
        })
      ).body.session.state,
    ).toBe('active');

    const ended = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
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
    const again = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
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
    f = await engine.fixture();
    const { customer, sessionId } = await activeChat(engine.t, f);
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
    f = await engine.fixture();
    const { customer, sessionId } = await activeChat(engine.t, f);
    const openOne = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/resume`, {
      headers: f.sessions.olga!.headers,
    });
    expect(openOne.body.error.code).toBe('session_state');
    await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
      headers: f.sessions.olga!.headers,
      body: {},
    });
    const resumed = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/resume`, {
      headers: f.sessions.olga!.headers,
    });
    expect(resumed.status).toBe(201);
    expect(resumed.body).toMatchObject({
      state: 'active',
      resumedFromId: sessionId,
      participants: [{ name: 'Olga', role: 'owner' }],
    });
    const twice = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/resume`, {
      headers: f.sessions.olga!.headers,
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('open_session_exists');
    await call(engine.t.url, 'POST', `/api/v1/sessions/${resumed.body.id}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Following up' },
    });
    await customer.waitFor((e) => e.name === 'visitor.message' && payload(e).text === 'Following up');
    await call(engine.t.url, 'POST', `/api/v1/sessions/${resumed.body.id}/end`, {
      headers: f.sessions.olga!.headers,
      body: {},
    });

    const blacklisted = await call(engine.t.url, 'POST', '/api/v1/blacklist', {
      headers: f.sessions.admin!.headers,
      body: { contactId: resumed.body.contact.id, reason: 'abuse' },
    });
    expect(blacklisted.status).toBe(201);
    const refused = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/resume`, {
      headers: f.sessions.olga!.headers,
    });
    expect(refused.body.error.code).toBe('contact_blacklisted');
    // And a blacklisted customer's new message opens nothing.
    const blocked = await customer.send('let me in');
    expect(blocked.status).toBe(403);
    customer.close();
  });

  it('a supervisor takes over a session of their group; an operator cannot', async () => {
    f = await engine.fixture();
    const { customer, sessionId } = await activeChat(engine.t, f);
    const byOperator = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/take-over`, {
      headers: f.sessions.petr!.headers,
    });
    expect(byOperator.status).toBe(403);
    const taken = await call(engine.t.url, 'POST', `/api/v1/sessions/${sessionId}/take-over`, {
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
