import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { webhookDeliveries } from '../db/schema.js';
import { useEngineTestApp } from '../../test/engine-setup.js';
import { call, logIn } from '../../test/factories.js';
import { scrapeMetrics } from '../../test/metrics-scrape.js';
import { useWebhookReceiver, webhookSignature as signature } from '../../test/webhook-receiver.js';
import { valueOf } from '../metrics/prometheus-text.js';
import { MAX_ATTEMPTS, retryDelayMs } from './deliver-webhook.job.js';

const app = useEngineTestApp();
const receiver = useWebhookReceiver();

describe('outbound webhook deliveries that fail', () => {
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
});
