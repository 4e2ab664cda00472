import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { groups, sessions, tenants } from '../db/schema.js';
import { startTestApp } from '../../test/harness.js';
import { call } from '../../test/factories.js';
import { SHEENA, KAREL, useWhatsAppKit } from '../channels/whatsapp/whatsapp-test-kit.js';
import { buildMetricsApp } from './metrics-app.js';
import { waMessagesBody } from '../../test/reliability/reliability-kit.js';
import { scrapeMetrics } from '../../test/metrics-scrape.js';
import { valueOf } from './prometheus-text.js';

const kit = useWhatsAppKit(0);

async function tenantSlug(tenantId: string): Promise<string> {
  const [row] = await kit.t.database.db
    .select({ slug: tenants.slug })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row!.slug;
}

describe('Prometheus metrics', () => {
  it('count customers’ messages, duplicate deliveries, replies the Graph API took and refused, and time webhooks', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const before = await scrapeMetrics(kit.t.url);
    const { sessionId } = await kit.activeSession(number, accountId);
    // The same delivery again, as Meta retries it: stored once, counted as a duplicate.
    const [stored] = await kit.messagesOf(accountId);
    const payload = waMessagesBody(number, [
      {
        from: SHEENA,
        name: 'Sheena Nelson',
        wamid: stored!.channelMessageId!,
        text: stored!.text!,
        timestamp: Math.floor(Date.now() / 1000),
      },
    ]);
    const [again] = await kit.sandbox.sendRawWebhook('whatsapp', payload, 'valid');
    expect(again!.status).toBe(200);
    const [forged] = await kit.sandbox.sendRawWebhook('whatsapp', payload, 'invalid');
    expect(forged!.status).toBe(401);
    const accepted = await kit.reply(sessionId, 'Accepted by the Graph API');
    await expect.poll(async () => (await kit.statusOf(accepted)).status, { timeout: 15_000 }).toBe('sent');
    kit.sandbox.failNext({ product: 'whatsapp', code: 131000 });
    const retried = await kit.reply(sessionId, 'Refused once, then accepted');
    await expect.poll(async () => (await kit.statusOf(retried)).status, { timeout: 20_000 }).toBe('sent');

    const after = await scrapeMetrics(kit.t.url);
    const delta = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    const whatsapp = { channel: 'whatsapp' };
    expect(delta('switchboard_messages_received_total', whatsapp)).toBe(1);
    expect(delta('switchboard_messages_duplicate_total', whatsapp)).toBe(1);
    // Olga's two replies, and the "joined" message the customer is sent when she accepts.
    expect(delta('switchboard_messages_sent_total', whatsapp)).toBe(3);
    expect(delta('switchboard_send_errors_total', { ...whatsapp, retryable: 'true' })).toBe(1);
    expect(delta('switchboard_send_errors_total', { ...whatsapp, retryable: 'false' })).toBe(0);
    // Every delivery timed, by its answer: the customer's message and the duplicate 200, the forged one 401.
    const ok = { ...whatsapp, status: '200' };
    expect(delta('switchboard_webhook_duration_seconds_count', ok)).toBe(2);
    expect(delta('switchboard_webhook_duration_seconds_count', { ...whatsapp, status: '401' })).toBe(1);
    expect(delta('switchboard_webhook_duration_seconds_bucket', { ...ok, le: '+Inf' })).toBe(2);
    expect(delta('switchboard_webhook_duration_seconds_sum', ok)).toBeGreaterThan(0);
    // Node's own figures come along.
    expect(valueOf(after, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    expect(valueOf(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('show each group’s queue by state, its longest wait, and operators by presence', async () => {
    const { f, number, accountId } = await kit.connectedTenant();
    const tenant = await tenantSlug(f.tenant.id);
    // Nobody is available: the customer waits in the queue.
    await kit.inject(number, { from: KAREL, type: 'text', text: { body: 'Anyone there?' } });
    const [waiting] = await kit.t.database.db
      .select({ id: sessions.id, groupId: sessions.groupId })
      .from(sessions)
      .where(eq(sessions.channelAccountId, accountId));
    const [group] = await kit.t.database.db
      .select({ name: groups.name })
      .from(groups)
      .where(eq(groups.id, waiting!.groupId!));
    const queue = { tenant, group: group!.name };

    let samples = await scrapeMetrics(kit.t.url);
    expect(valueOf(samples, 'switchboard_sessions', { ...queue, state: 'waiting' })).toBe(1);
    expect(valueOf(samples, 'switchboard_sessions', { ...queue, state: 'active' })).toBe(0);
    // Every group shows, an empty one with zeros.
    expect(
      samples.filter((s) => s.name === 'switchboard_sessions' && s.labels.tenant === tenant),
    ).toHaveLength(6);
    expect(valueOf(samples, 'switchboard_operators', { tenant, presence: 'available' })).toBe(0);
    expect(valueOf(samples, 'switchboard_operators', { tenant, presence: 'offline' })).toBe(4);

    // Three minutes on the application's clock: the wait is that long.
    kit.t.clock.set(new Date(kit.t.clock.now().getTime() + 180_000));
    samples = await scrapeMetrics(kit.t.url);
    const longest = valueOf(samples, 'switchboard_queue_longest_wait_seconds', queue);
    expect(longest).toBeGreaterThanOrEqual(180);
    expect(longest).toBeLessThan(240);

    // Olga becomes available and accepts: one active session, none waiting, the wait back to 0.
    await f.available('olga');
    const offer = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created');
    const acceptedOffer = await call(
      kit.t.url,
      'POST',
      `/api/v1/offers/${(offer.payload as { id: string }).id}/accept`,
      { headers: f.sessions.olga!.headers },
    );
    expect(acceptedOffer.status).toBe(200);
    samples = await scrapeMetrics(kit.t.url);
    expect(valueOf(samples, 'switchboard_operators', { tenant, presence: 'available' })).toBe(1);
    expect(valueOf(samples, 'switchboard_sessions', { ...queue, state: 'waiting' })).toBe(0);
    expect(valueOf(samples, 'switchboard_sessions', { ...queue, state: 'active' })).toBe(1);
    expect(valueOf(samples, 'switchboard_queue_longest_wait_seconds', queue)).toBe(0);
  });

  it('are answered to this machine only, unless a scraper sends the token', async () => {
    // Through a proxy, every caller would look local: refused.
    const proxied = await fetch(`${kit.t.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(403);
    expect(await proxied.json()).toMatchObject({ error: { code: 'forbidden' } });

    const token = 'scraper-token-0123456789';
    const guarded = await startTestApp({ config: { METRICS_TOKEN: token }, worker: false });
    try {
      for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${token}`]) {
        const refused = await fetch(`${guarded.url}/metrics`, {
          headers: authorization ? { authorization } : {},
        });
        expect(refused.status).toBe(401);
        expect(await refused.json()).toMatchObject({ error: { code: 'unauthenticated' } });
      }
      const allowed = await fetch(`${guarded.url}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('switchboard_sessions');
    } finally {
      await guarded.close();
    }
  });

  const outside = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

  it.skipIf(!outside)(
    'have a listener of their own (METRICS_PORT) that refuses another machine without the token',
    async () => {
      const metricsApp = await buildMetricsApp({ metrics: kit.t.engine.metrics, token: undefined });
      await metricsApp.listen({ port: 0, host: '0.0.0.0' });
      const { port } = metricsApp.server.address() as { port: number };
      try {
        expect(
          valueOf(await scrapeMetrics(`http://127.0.0.1:${port}`), 'process_resident_memory_bytes'),
        ).toBeGreaterThan(0);
        const fromOutside = await fetch(`http://${outside}:${port}/metrics`);
        expect(fromOutside.status).toBe(403);
      } finally {
        await metricsApp.close();
      }
    },
  );

  it('are what the Grafana dashboard in the repository asks for', () => {
    const dashboard = readFileSync(
      new URL('../../../docs/grafana/switchboard.json', import.meta.url),
      'utf8',
    );
    const expressions = [...dashboard.matchAll(/"expr":\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
    const names = new Set(
      expressions.flatMap((expr) => expr.match(/\b(?:switchboard|process|nodejs)_\w+/g) ?? []),
    );
    expect(names.size).toBeGreaterThanOrEqual(10);
    const { registry } = kit.t.engine.metrics;
    for (const name of names)
      expect(
        registry.getSingleMetric(name) ?? registry.getSingleMetric(name.replace(/_(bucket|count|sum)$/, '')),
        name,
      ).toBeDefined();
  });
});
