import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { useEngineTestApp } from '../../test/engine-setup.js';
import { call, createTestTenant, logIn } from '../../test/factories.js';
import { useWebhookReceiver } from '../../test/webhook-receiver.js';
import { deliveryAgent, isPrivateAddress, refusedTarget } from './webhook-target.js';

const app = useEngineTestApp();
const receiver = useWebhookReceiver();

describe('webhook endpoints', () => {
  it('page the delivery log newest first, passing over nothing, and refuse a cursor not given out', async () => {
    const f = await app.fixture();
    const admin = f.sessions.admin!.headers;
    const created = await call(app.t.url, 'POST', '/api/v1/webhooks', {
      headers: admin,
      body: { url: receiver.url, events: ['session.created'] },
    });
    const pinged: string[] = [];
    for (let i = 0; i < 5; i++)
      pinged.push(
        (await call(app.t.url, 'POST', `/api/v1/webhooks/${created.body.id}/ping`, { headers: admin })).body
          .id,
      );
    const log = `/api/v1/webhooks/${created.body.id}/deliveries`;
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(app.t.url, 'GET', `${log}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: admin,
      });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      listed.push(...page.body.items.map((d: { id: string }) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toEqual([...pinged].reverse());
    const refused = await call(app.t.url, 'GET', `${log}?cursor=not-ours`, { headers: admin });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_failed');
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
