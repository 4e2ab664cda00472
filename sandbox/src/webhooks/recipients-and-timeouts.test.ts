import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
afterEach(async () => rig?.close());

const day = 24 * 3600_000;
const sendText = (to: string) =>
  rig.graph(
    'POST',
    `/v23.0/${ids.phoneNumberId}/messages`,
    { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hi' } },
    bearer,
  );

describe('recipient states reported as failed statuses', () => {
  it.each([
    ['blocked-by-business', 130403],
    ['experiment', 130472],
  ] as const)('%s: 200, then a failed status with %i', async (state, code) => {
    rig = await startRig();
    await rig.graph('POST', '/_sandbox/whatsapp/customers', { waId: '447700900123', name: 'Ann' });
    await rig.sandbox.injectWhatsApp({ from: '447700900123', type: 'text', text: { body: 'hi' } });
    await rig.graph('PATCH', '/_sandbox/customers', { product: 'whatsapp', customer: '447700900123', state });
    rig.receiver.received.length = 0;
    const sent = await sendText('+447700900123');
    expect(sent.status).toBe(200);
    await rig.sandbox.idle();
    const statuses = rig.receiver.received.flatMap(
      (r) => (r.body as Json).entry[0].changes[0].value.statuses as Json[],
    );
    expect(statuses).toEqual([
      expect.objectContaining({
        id: sent.body.messages[0].id,
        status: 'failed',
        recipient_id: '447700900123',
        errors: [expect.objectContaining({ code, error_data: { details: expect.any(String) } })],
      }),
    ]);
  });
});

describe('media ids expire', () => {
  it('an uploaded id lives 30 days, then GET answers 100', async () => {
    rig = await startRig();
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', new Blob([Buffer.from('%PDF-1.4')], { type: 'application/pdf' }), 'a.pdf');
    const uploaded = (await (
      await fetch(`${rig.sandbox.url}/v23.0/${ids.phoneNumberId}/media`, {
        method: 'POST',
        headers: bearer,
        body: form,
      })
    ).json()) as Json;
    rig.sandbox.advanceClock(30 * day - 1000);
    expect((await rig.graph('GET', `/v23.0/${uploaded.id}`, undefined, bearer)).status).toBe(200);
    rig.sandbox.advanceClock(2000);
    const expired = await rig.graph('GET', `/v23.0/${uploaded.id}`, undefined, bearer);
    expect(expired.status).toBe(400);
    expect(expired.body.error.code).toBe(100);
  });
});

describe('webhook timeout', () => {
  it('a receiver slower than the timeout counts as failed and gets the same bytes again', async () => {
    const bodies: string[] = [];
    let calls = 0;
    const slow: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        const delay = calls++ === 0 ? 400 : 0;
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(200).end();
        }, delay);
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const address = slow.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
    try {
      rig = await startRig({
        webhookTimeoutMs: { whatsapp: 100, messenger: 100 },
        app: { appSecret: ids.appSecret, verifyToken: ids.verifyToken, whatsappCallbackUrls: [url] },
      });
      await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'slow' } });
      await rig.sandbox.idle();
      const attempts = rig.sandbox.deliveries();
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      expect(attempts[0]).toMatchObject({ error: expect.any(String) });
      expect(attempts[0]!.status).toBeUndefined();
      expect(attempts[1]).toMatchObject({ status: 200 });
      expect(bodies).toHaveLength(2);
      expect(bodies[0]).toBe(bodies[1]);
    } finally {
      await new Promise<void>((resolve) => {
        slow.close(() => resolve());
        slow.closeAllConnections();
      });
    }
  });
});
