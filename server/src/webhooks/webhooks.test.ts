import { and, eq } from 'drizzle-orm';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, webhookDeliveries } from '../db/schema.js';
import { useEngineTestApp } from '../../test/engine-setup.js';
import { call, createTestTenant, logIn } from '../../test/factories.js';
import { startWebchat } from '../../test/webchat-client.js';
import {
  deliveriesSettled,
  startWebhookReceiver,
  webhookSignature as signature,
  type WebhookReceiver,
} from '../../test/webhook-receiver.js';
import { MAX_ATTEMPTS, retryDelayMs } from './deliver-webhook.job.js';
import { scrapeMetrics } from '../../test/metrics-scrape.js';
import { valueOf } from '../metrics/prometheus-text.js';
import { deliveryAgent, isPrivateAddress, refusedTarget } from './webhook-target.js';

const app = useEngineTestApp();
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver.close());

describe('outbound webhooks', () => {
  it("deliver a web chat session's life to a subscribed endpoint, signed over the exact body, each event once", async () => {
    const f = await app.fixture();
    const admin = f.sessions.admin!.headers;
    const created = await call(app.t.url, 'POST', '/api/v1/webhooks', {
      headers: admin,
      body: {
        url: receiver.url,
        description: 'CRM',
        events: [
          'session.created',
          'session.accepted',
          'session.ended',
          'message.received',
          'message.sent',
          'message.status',
        ],
      },
    });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(created.body).not.toHaveProperty('secretSealed');
    const listed = await call(app.t.url, 'GET', '/api/v1/webhooks', { headers: admin });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, description: 'CRM' })]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    await f.available('olga');
    await startWebchat(app.t.url, f.key, { name: 'Eva', question: 'Where is my parcel?' });
    const offer = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    const sessionId = (offer.payload as any).sessionId as string;
    const olga = f.sessions.olga!.headers;
    expect(
      (await call(app.t.url, 'POST', `/api/v1/offers/${(offer.payload as any).id}/accept`, { headers: olga }))
        .status,
    ).toBe(200);
    const sent = await call(app.t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: olga,
      body: { text: 'On its way' },
    });
    expect(sent.status).toBe(201);
    expect(
      (await call(app.t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, { headers: olga, body: {} }))
        .status,
    ).toBe(200);

    const all = () => receiver.received.filter((r) => r.body.data.session?.id === sessionId);
    // The session's own system messages to the customer (who joined, the end) are messages sent too.
    const mine = () => all().filter((r) => r.body.data.message?.authorKind !== 'system');
    await expect
      .poll(
        () =>
          mine()
            .map((r) => r.body.type)
            .sort(),
        { timeout: 15_000, interval: 200 },
      )
      .toEqual(['message.received', 'message.sent', 'session.accepted', 'session.created', 'session.ended']);
    for (const delivery of all()) {
      expect(delivery.headers['x-switchboard-signature-256']).toBe(signature(delivery.raw, secret));
      expect(delivery.headers['x-switchboard-event']).toBe(delivery.body.type);
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(Object.keys(delivery.body)).toEqual(['id', 'type', 'createdAt', 'data']);
      expect(delivery.body.data.session).toMatchObject({
        channel: 'webchat',
        channelAccountId: f.channelAccountId,
      });
    }
    // Events carry the tenant's order in their ids.
    const byId = [...mine()].sort((a, b) => Number(a.body.id.slice(4)) - Number(b.body.id.slice(4)));
    expect(byId.map((r) => r.body.type)).toEqual([
      'session.created',
      'message.received',
      'session.accepted',
      'message.sent',
      'session.ended',
    ]);
    expect(byId[3]!.body.data.message).toMatchObject({
      text: 'On its way',
      authorKind: 'operator',
      direction: 'out',
    });
    const received = mine().find((r) => r.body.type === 'message.received')!;
    expect(received.body.data.message).toMatchObject({
      text: 'Where is my parcel?',
      direction: 'in',
      authorKind: 'customer',
    });
    const ended = mine().find((r) => r.body.type === 'session.ended')!;
    expect(ended.body.data.timeline).toMatchObject({ type: 'ended', actorKind: 'operator' });

    // The log shows each once, delivered at the first attempt with the endpoint's answer.
    const log = await call(app.t.url, 'GET', `/api/v1/webhooks/${created.body.id}/deliveries`, {
      headers: admin,
    });
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(all().length);
    expect(
      log.body.items.every(
        (d: any) => d.status === 'delivered' && d.attempts === 1 && d.lastStatusCode === 200,
      ),
    ).toBe(true);
    // A later pass over the same events adds nothing.
    await deliveriesSettled(app.t);
    expect(all()).toHaveLength(log.body.items.length);
    expect(new Set(all().map((r) => r.body.id)).size).toBe(all().length);
    const [audit] = await app.t.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, f.tenant.id), eq(auditLog.targetId, created.body.id)));
    expect(audit?.action).toBe('webhook.create');
  });

  it('tell a transfer to another group, and who accepted it there', async () => {
    const f = await app.fixture();
    const created = await call(app.t.url, 'POST', '/api/v1/webhooks', {
      headers: f.sessions.admin!.headers,
      body: { url: receiver.url, events: ['session.transferred', 'session.accepted'] },
    });
    expect(created.status).toBe(201);
    await f.available('olga');
    await f.available('petr');
    await startWebchat(app.t.url, f.key, { question: 'Billing question' });
    const offer = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    const sessionId = (offer.payload as any).sessionId as string;
    await call(app.t.url, 'POST', `/api/v1/offers/${(offer.payload as any).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });
    const moved = await call(app.t.url, 'POST', `/api/v1/sessions/${sessionId}/transfer`, {
      headers: f.sessions.olga!.headers,
      body: { groupId: f.tenant.groupB },
    });
    expect(moved.status).toBe(200);
    const second = await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && (e.payload as any).sessionId === sessionId,
    );
    await call(app.t.url, 'POST', `/api/v1/offers/${(second.payload as any).id}/accept`, {
      headers: f.sessions.petr!.headers,
    });
    const told = () =>
      receiver.received
        .filter((r) => r.body.data.session?.id === sessionId)
        .sort((a, b) => Number(a.body.id.slice(4)) - Number(b.body.id.slice(4)));
    await expect
      .poll(() => told().map((r) => [r.body.type, r.body.data.timeline.actorUserId]), { timeout: 15_000 })
      .toEqual([
        ['session.accepted', f.tenant.operators[0]!.id],
        ['session.transferred', f.tenant.operators[0]!.id],
        ['session.accepted', f.tenant.operators[1]!.id],
      ]);
    expect(told()[1]!.body.data.session.groupId).toBe(f.tenant.groupB);
  });

  it('send an endpoint only what it subscribes to, nothing while disabled, and nothing from before it existed', async () => {
    const f = await app.fixture();
    const admin = f.sessions.admin!.headers;
    await f.available('olga');
    await startWebchat(app.t.url, f.key, { question: 'Before any endpoint' });
    await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    const created = await call(app.t.url, 'POST', '/api/v1/webhooks', {
      headers: admin,
      body: { url: receiver.url, events: ['message.received'] },
    });
    expect(created.status).toBe(201);
    const endpointId = created.body.id as string;
    await startWebchat(app.t.url, f.key, { question: 'Only messages, please' });
    const forThis = () =>
      receiver.received.filter((r) => r.body.data.session?.channelAccountId === f.channelAccountId);
    await expect
      .poll(() => forThis().map((r) => r.body.data.message?.text), { timeout: 15_000, interval: 200 })
      .toEqual(['Only messages, please']);

    const disabled = await call(app.t.url, 'PATCH', `/api/v1/webhooks/${endpointId}`, {
      headers: admin,
      body: { enabled: false },
    });
    expect(disabled.body.enabled).toBe(false);
    await startWebchat(app.t.url, f.key, { question: 'While disabled' });
    await deliveriesSettled(app.t);
    expect(forThis()).toHaveLength(1);
    const rows = await app.t.database.db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpointId));
    expect(rows).toHaveLength(1);
  });

  it('retry a failing endpoint with backoff on the app clock, log every attempt, and deliver once it answers', async () => {
    const f = await app.fixture();
    const admin = f.sessions.admin!.headers;
    const created = await call(app.t.url, 'POST', '/api/v1/webhooks', {
      headers: admin,
      body: { url: receiver.url, events: ['session.created'] },
    });
    const endpointId = created.body.id as string;
    const detail = (id: string) =>
      call(app.t.url, 'GET', `/api/v1/webhooks/${endpointId}/deliveries/${id}`, { headers: admin });
    receiver.answer(500, 'database down');
    const ping = await call(app.t.url, 'POST', `/api/v1/webhooks/${endpointId}/ping`, { headers: admin });
    expect(ping.status).toBe(202);
    expect(ping.body).toMatchObject({ eventType: 'ping', status: 'pending', attempts: 0 });
    const id = ping.body.id as string;
    await expect
      .poll(async () => (await detail(id)).body.attempts, { timeout: 10_000, interval: 200 })
      .toBe(1);
    let shown = (await detail(id)).body;
    expect(shown).toMatchObject({
      status: 'pending',
      lastStatusCode: 500,
      lastError: 'HTTP 500: database down',
    });
    expect(Date.parse(shown.nextAttemptAt) - app.t.clock.now().getTime()).toBeGreaterThan(
      retryDelayMs(1) - 2_000,
    );
    expect(shown.payload).toMatchObject({ type: 'ping', data: { endpointId } });
    // While it waits for its retry it cannot be sent again.
    const early = await call(app.t.url, 'POST', `/api/v1/webhooks/${endpointId}/deliveries/${id}/redeliver`, {
      headers: admin,
    });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('conflict');

    // Not before its time on the app's clock; then the second attempt, and the third after twice the wait.
    await app.t.advance(retryDelayMs(1) - 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await detail(id)).body.attempts).toBe(1);
    await app.t.advance(10_001);
    await expect
      .poll(async () => (await detail(id)).body.attempts, { timeout: 10_000, interval: 200 })
      .toBe(2);
    receiver.answer(200, 'ok');
    await app.t.advance(retryDelayMs(2) + 1);
    await expect
      .poll(async () => (await detail(id)).body.status, { timeout: 10_000, interval: 200 })
      .toBe('delivered');
    shown = (await detail(id)).body;
    expect(shown.attemptLog.map((a: any) => a.statusCode)).toEqual([500, 500, 200]);
    expect(shown).toMatchObject({ attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });

    // A delivered one can be sent again, and goes at once.
    const again = await call(app.t.url, 'POST', `/api/v1/webhooks/${endpointId}/deliveries/${id}/redeliver`, {
      headers: admin,
    });
    expect(again.status).toBe(202);
    await expect
      .poll(async () => (await detail(id)).body.attempts, { timeout: 10_000, interval: 200 })
      .toBe(4);
    expect((await detail(id)).body.status).toBe('delivered');
    const deliveries = receiver.received.filter((r) => r.headers['x-switchboard-delivery'] === id);
    expect(deliveries).toHaveLength(4);
    expect(new Set(deliveries.map((r) => r.body.id)).size).toBe(1);

    // 410 Gone gives up at once.
    receiver.answer(410);
    const gone = await call(app.t.url, 'POST', `/api/v1/webhooks/${endpointId}/ping`, { headers: admin });
    await expect
      .poll(async () => (await detail(gone.body.id)).body.status, { timeout: 10_000, interval: 200 })
      .toBe('failed');
    const samples = await scrapeMetrics(app.t.url);
    expect(
      valueOf(samples, 'switchboard_outbound_webhook_attempts_total', { outcome: 'retry' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      valueOf(samples, 'switchboard_outbound_webhook_attempts_total', { outcome: 'delivered' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      valueOf(samples, 'switchboard_outbound_webhook_attempts_total', { outcome: 'failed' }),
    ).toBeGreaterThanOrEqual(1);
    expect((await detail(gone.body.id)).body).toMatchObject({
      attempts: 1,
      lastStatusCode: 410,
      nextAttemptAt: null,
    });
    receiver.answer(200, 'ok');
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts`, async () => {
    const f = await app.fixture();
    const admin = f.sessions.admin!.headers;
    const created = await call(app.t.url, 'POST', '/api/v1/webhooks', {
      headers: admin,
      body: { url: receiver.url, events: ['session.ended'] },
    });
    const endpointId = created.body.id as string;
    receiver.answer(503, 'busy');
    const ping = await call(app.t.url, 'POST', `/api/v1/webhooks/${endpointId}/ping`, { headers: admin });
    // Read from the database while the clock runs for hours: the admin's sign-in expires meanwhile.
    const stored = async () =>
      (
        await app.t.database.db
          .select({ attempts: webhookDeliveries.attempts, status: webhookDeliveries.status })
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.id, ping.body.id))
      )[0]!;
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      await expect
        .poll(async () => (await stored()).attempts, { timeout: 10_000, interval: 100 })
        .toBe(attempt);
      await app.t.advance(retryDelayMs(attempt) + 1);
    }
    await expect.poll(async () => (await stored()).status, { timeout: 10_000, interval: 100 }).toBe('failed');
    const again = (await logIn(app.t.url, f.tenant.admin)).headers;
    const shown = (
      await call(app.t.url, 'GET', `/api/v1/webhooks/${endpointId}/deliveries/${ping.body.id}`, {
        headers: again,
      })
    ).body;
    expect(shown).toMatchObject({ attempts: MAX_ATTEMPTS, lastStatusCode: 503, nextAttemptAt: null });
    expect(shown.attemptLog).toHaveLength(MAX_ATTEMPTS);
    const failed = await call(app.t.url, 'GET', `/api/v1/webhooks/${endpointId}/deliveries?status=failed`, {
      headers: again,
    });
    expect(failed.body.items.map((d: any) => d.id)).toEqual([ping.body.id]);
    receiver.answer(200, 'ok');
  });

  it('rotates the signing secret: the next delivery is signed with the new one only', async () => {
    const f = await app.fixture();
    const admin = f.sessions.admin!.headers;
    const created = await call(app.t.url, 'POST', '/api/v1/webhooks', {
      headers: admin,
      body: { url: receiver.url, events: ['session.created'] },
    });
    const rotated = await call(app.t.url, 'POST', `/api/v1/webhooks/${created.body.id}/secret`, {
      headers: admin,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const ping = await call(app.t.url, 'POST', `/api/v1/webhooks/${created.body.id}/ping`, {
      headers: admin,
    });
    await expect
      .poll(() => receiver.received.find((r) => r.headers['x-switchboard-delivery'] === ping.body.id), {
        timeout: 10_000,
      })
      .toBeDefined();
    const got = receiver.received.find((r) => r.headers['x-switchboard-delivery'] === ping.body.id)!;
    expect(got.headers['x-switchboard-signature-256']).toBe(signature(got.raw, rotated.body.secret));
    expect(got.headers['x-switchboard-signature-256']).not.toBe(signature(got.raw, created.body.secret));
  });

  it('refuses bad endpoints with 400 and changes nothing; other tenants and operators see nothing', async () => {
    const f = await app.fixture();
    const admin = f.sessions.admin!.headers;
    for (const body of [
      { url: 'ftp://example.com/hook', events: ['session.created'] },
      { url: 'not a url', events: ['session.created'] },
      { url: 'https://user:pass@example.com/hook', events: ['session.created'] },
      { url: 'https://example.com/hook', events: [] },
      { url: 'https://example.com/hook', events: ['session.exploded'] },
      { url: 'https://example.com/hook', events: ['session.created'], secret: 'mine' },
    ]) {
      const refused = await call(app.t.url, 'POST', '/api/v1/webhooks', { headers: admin, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
    }
    expect((await call(app.t.url, 'GET', '/api/v1/webhooks', { headers: admin })).body.items).toEqual([]);

    const created = await call(app.t.url, 'POST', '/api/v1/webhooks', {
      headers: admin,
      body: { url: 'https://example.com/hook', events: ['session.created'] },
    });
    const badPatch = await call(app.t.url, 'PATCH', `/api/v1/webhooks/${created.body.id}`, {
      headers: admin,
      body: { url: 'javascript:alert(1)' },
    });
    expect(badPatch.status).toBe(400);
    expect(
      (await call(app.t.url, 'GET', `/api/v1/webhooks/${created.body.id}`, { headers: admin })).body.url,
    ).toBe('https://example.com/hook');

    const other = await createTestTenant(app.t.database);
    const otherAdmin = (await logIn(app.t.url, other.admin)).headers;
    for (const [method, path] of [
      ['GET', `/api/v1/webhooks/${created.body.id}`],
      ['GET', `/api/v1/webhooks/${created.body.id}/deliveries`],
      ['POST', `/api/v1/webhooks/${created.body.id}/ping`],
      ['DELETE', `/api/v1/webhooks/${created.body.id}`],
    ] as const) {
      const answer = await call(app.t.url, method, path, { headers: otherAdmin });
      expect(answer.status, `${method} ${path}`).toBe(404);
    }
    const asOperator = await call(app.t.url, 'GET', '/api/v1/webhooks', {
      headers: f.sessions.olga!.headers,
    });
    expect(asOperator.status).toBe(403);
    expect(
      (await call(app.t.url, 'DELETE', `/api/v1/webhooks/${created.body.id}`, { headers: admin })).status,
    ).toBe(204);
  });
});

describe('where webhooks may go', () => {
  it('refuses private, loopback and link-local addresses unless allowed', () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://api.localhost/hook',
      'http://10.1.2.3/hook',
      'http://192.168.0.10/hook',
      'http://172.20.0.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://[fd00::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://0.0.0.0/hook',
    ])
      expect(refusedTarget(url, false), url).toMatch(/private or loopback/);
    expect(refusedTarget('https://hooks.example.com/switchboard', false)).toBeUndefined();
    expect(refusedTarget('http://93.184.215.14/hook', false)).toBeUndefined();
    expect(refusedTarget('http://127.0.0.1:8080/hook', true)).toBeUndefined();
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2606:4700::1111')).toBe(false);
  });

  it('refuses, as it connects, a name that resolves to a private address', async () => {
    receiver.answer(200, 'ok');
    const attempt = request(`http://localhost:${receiver.port}/hooks`, {
      method: 'POST',
      body: '{}',
      dispatcher: deliveryAgent(false),
    });
    await expect(attempt).rejects.toThrow(/private address/);
    const allowed = await request(`http://localhost:${receiver.port}/hooks`, {
      method: 'POST',
      body: '{"id":"x","type":"ping","data":{}}',
      dispatcher: deliveryAgent(true),
    });
    expect(allowed.statusCode).toBe(200);
    await allowed.body.dump();
  });
});
