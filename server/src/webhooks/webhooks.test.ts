import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, webhookDeliveries } from '../db/schema.js';
import { useEngineTestApp } from '../../test/engine-setup.js';
import { call } from '../../test/factories.js';
import { startWebchat } from '../../test/webchat-client.js';
import {
  deliveriesSettled,
  useWebhookReceiver,
  webhookSignature as signature,
} from '../../test/webhook-receiver.js';

const app = useEngineTestApp();
const receiver = useWebhookReceiver();

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

    // The log shows each once, delivered at the first attempt with the endpoint's answer (stored a moment after
    // the endpoint received it).
    const readLog = () =>
      call(app.t.url, 'GET', `/api/v1/webhooks/${created.body.id}/deliveries`, { headers: admin });
    await expect
      .poll(async () => (await readLog()).body.items.some((d: any) => d.status === 'pending'), {
        timeout: 10_000,
        interval: 100,
      })
      .toBe(false);
    const log = await readLog();
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
});
