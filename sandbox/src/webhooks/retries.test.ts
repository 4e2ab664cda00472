import { afterEach, describe, expect, it } from 'vitest';
import { ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
afterEach(async () => rig?.close());

const minute = 60_000;
const day = 24 * 3600_000;

/** Control calls over HTTP, as a connector's test would make them. */
const control = async (method: string, path: string, body?: unknown): Promise<Json> =>
  (await rig.graph(method, `/_sandbox${path}`, body)).body;

const settle = () => new Promise((r) => setTimeout(r, 150));

describe('webhook retries on the sandbox clock (Meta: decreasing frequency, up to 7 days)', () => {
  it('retries only when the clock reaches each attempt, backs off, and gives up after 7 virtual days', async () => {
    rig = await startRig({ retryDelaysMs: undefined });
    rig.receiver.failNext(...Array<number>(40).fill(500));
    await control('POST', '/whatsapp/inbound', {
      from: ids.customer,
      type: 'text',
      text: { body: 'Olá, wie geht’s? 👋' },
    });
    await rig.receiver.waitFor(1);
    const start = (await control('GET', '/clock')).now as number;
    expect((await control('GET', '/retries')).data).toEqual([
      { product: 'whatsapp', url: rig.receiver.url, attempt: 2, due: start + minute },
    ]);

    await control('POST', '/clock/advance', { seconds: 59 });
    await settle();
    expect(rig.receiver.received).toHaveLength(1);
    await control('POST', '/clock/advance', { seconds: 1 });
    await rig.receiver.waitFor(2);

    // Walk the clock to each next attempt until the sandbox gives up.
    for (let guard = 0; guard < 40; guard++) {
      const [next] = (await control('GET', '/retries')).data as Json[];
      if (!next) break;
      const now = (await control('GET', '/clock')).now as number;
      const before = rig.receiver.received.length;
      await control('POST', '/clock/advance', { ms: next.due - now });
      await rig.receiver.waitFor(before + 1);
      await rig.sandbox.idle();
    }
    const attempts = (await control('GET', '/deliveries')).data as Json[];
    const times = attempts.map((a) => a.at as number);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.slice(0, 4)).toEqual([minute, 2 * minute, 4 * minute, 8 * minute]);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(Math.max(...gaps)).toBe(day);
    expect(times.at(-1)! - start).toBeLessThanOrEqual(7 * day);
    expect(times.at(-1)! - start).toBeGreaterThan(6 * day);
    expect(attempts.at(-1)).toMatchObject({ gaveUp: true, status: 500 });
    expect(attempts.slice(0, -1).every((a) => !a.gaveUp)).toBe(true);
    expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));

    // Every attempt carried the same signed bytes, with the non-ASCII text escaped as Meta does.
    const raws = new Set(rig.receiver.received.map((r) => r.raw.toString('utf8')));
    expect(raws.size).toBe(1);
    expect([...raws][0]).toContain('Ol\\u00e1, wie geht\\u2019s? \\ud83d\\udc4b');
    expect(rig.receiver.received.every((r) => r.signatureValid && r.sha1Valid)).toBe(true);

    const count = rig.receiver.received.length;
    await control('POST', '/clock/advance', { days: 30 });
    await settle();
    expect(rig.receiver.received).toHaveLength(count);
    expect((await control('GET', '/retries')).data).toEqual([]);
  });

  it('stops retrying once the receiver answers 200', async () => {
    rig = await startRig({ retryDelaysMs: undefined });
    rig.receiver.failNext(503, 500);
    await rig.sandbox.injectMessenger({ psid: ids.psid, text: 'hello' });
    rig.sandbox.advanceClock(minute);
    await rig.sandbox.idle();
    expect(rig.receiver.received).toHaveLength(2);
    rig.sandbox.advanceClock(2 * minute);
    await rig.sandbox.idle();
    expect(rig.sandbox.deliveries().map((d) => [d.attempt, d.status])).toEqual([
      [1, 503],
      [2, 500],
      [3, 200],
    ]);
    expect(rig.sandbox.pendingRetries()).toEqual([]);
    expect((rig.receiver.received[2]!.body as Json).entry[0].messaging[0].message.text).toBe('hello');
  });

  it('a clock that follows real time reaches short retries on its own', async () => {
    rig = await startRig({ retryDelaysMs: undefined, clock: {}, retrySchedule: { firstDelayMs: 50 } });
    rig.receiver.failNext(500);
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'soon' } });
    await rig.receiver.waitFor(2, 5_000);
    await expect.poll(() => rig.sandbox.deliveries().map((d) => d.status)).toEqual([500, 200]);
  });

  it('real-time delays (retryDelaysMs) stay available for short test schedules', async () => {
    rig = await startRig({ retryDelaysMs: [10, 20] });
    rig.receiver.failNext(500, 500);
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'quick' } });
    await rig.sandbox.idle();
    expect(rig.sandbox.deliveries().map((d) => d.status)).toEqual([500, 500, 200]);
  });

  it('refuses both schedules at once', async () => {
    await expect(startRig({ retryDelaysMs: [10], retrySchedule: { firstDelayMs: 10 } })).rejects.toThrow(
      /exclude each other/,
    );
  });
});

describe('payload size (Meta: at most 3 MB per POST)', () => {
  it('splits a batch that would exceed the limit and never posts a body above it', async () => {
    const limit = 4_000;
    rig = await startRig({ webhookPayloadLimitBytes: limit, switches: { batchSize: 10 } });
    const texts = ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(1_200));
    await Promise.all(
      texts.map((body) => rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body } })),
    );
    await rig.sandbox.idle();
    const posts = rig.receiver.received;
    expect(posts.every((p) => p.raw.length <= limit)).toBe(true);
    const perPost = posts.map((p) => (p.body as Json).entry[0].changes[0].value.messages.length as number);
    expect(perPost.reduce((a, b) => a + b, 0)).toBe(5);
    expect(Math.max(...perPost)).toBeGreaterThan(1);
    const delivered = posts.flatMap((p) =>
      (p.body as Json).entry[0].changes[0].value.messages.map((m: Json) => m.text.body as string),
    );
    expect(delivered.sort()).toEqual(texts);

    rig.receiver.received.length = 0;
    await rig.sandbox.injectWhatsApp({ from: ids.customer, type: 'text', text: { body: 'x'.repeat(5_000) } });
    await rig.sandbox.idle();
    expect(rig.receiver.received).toHaveLength(0);
    expect(rig.sandbox.deliveries().at(-1)).toMatchObject({
      gaveUp: true,
      error: expect.stringMatching(/exceeds/),
    });
  });
});
