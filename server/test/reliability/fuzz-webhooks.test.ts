import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../engine-setup.js';
import { call } from '../factories.js';
import { driver, startTestApp, type TestApp } from '../harness.js';
import { damage, mutate, mutations, rawDamage, tenantCounts } from './fuzz-kit.js';
import { scaled, signature, SOAK } from './reliability-kit.js';

/*
 * Meta's webhooks from a hostile or broken sender, over real HTTP: bodies generated from valid ones by mutation,
 * damaged bytes, and wrong signatures. Nothing may answer 5xx or stop the process; a refused delivery (401, 400)
 * writes nothing; a signed body that is valid JSON is answered 200 or 4xx, its readable items stored.
 */

const WA_SECRET = 'fuzz-wa-secret';
const FB_SECRET = 'fuzz-fb-secret';
// PGlite stores one transaction at a time: fewer signed deliveries there in CI (the races are PostgreSQL's).
const RUNS = { refused: scaled(1_500, 10_000), signed: scaled(driver === 'pglite' ? 400 : 1_000, 20_000) };

let t: TestApp;
let f: EngineFixture;
const id = `${Date.now()}`.slice(-9);
const number = { phoneNumberId: `8${id}1`, displayPhoneNumber: `1555${id}`, wabaId: `8${id}2` };
const pageId = `8${id}3`;

beforeAll(async () => {
  // Graph calls (media downloads, profiles) go nowhere and fail as jobs; the webhook path is under test.
  t = await startTestApp({ config: { GRAPH_API_BASE_URL: 'http://127.0.0.1:9' } });
  f = await engineFixture(t);
  const wa = await call(t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
    headers: f.sessions.admin!.headers,
    body: { name: 'Fuzz', ...number, accessToken: 'x', appSecret: WA_SECRET, verifyToken: 'v' },
  });
  expect(wa.status).toBe(201);
  const fb = await call(t.url, 'POST', '/api/v1/channel-accounts/messenger', {
    headers: f.sessions.admin!.headers,
    body: { name: 'Fuzz page', pageId, pageAccessToken: 'x', appSecret: FB_SECRET, verifyToken: 'v' },
  });
  expect(fb.status).toBe(201);
});
afterAll(async () => {
  f?.close();
  await t?.close();
});

const waValue = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: number.wabaId,
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: {
              display_phone_number: number.displayPhoneNumber,
              phone_number_id: number.phoneNumberId,
            },
            ...value,
          },
        },
      ],
    },
  ],
});
const contact = { contacts: [{ profile: { name: 'Fuzz' }, wa_id: '420600000001' }] };
const waMessage = (type: string, content: Record<string, unknown>) =>
  waValue({
    ...contact,
    messages: [{ from: '420600000001', id: 'wamid.fuzz', timestamp: '1750000000', type, ...content }],
  });
const fbEvent = (event: Record<string, unknown>) => ({
  object: 'page',
  entry: [
    {
      id: pageId,
      time: 1_750_000_000_000,
      messaging: [
        { sender: { id: '77001' }, recipient: { id: pageId }, timestamp: 1_750_000_000_000, ...event },
      ],
    },
  ],
});

/** Valid bodies of every kind the channels read: the seeds of the mutations. */
const SEEDS: Array<{ path: string; secret: string; body: unknown }> = [
  ...[
    waMessage('text', { text: { body: 'hello' }, context: { from: '1', id: 'wamid.q' } }),
    waMessage('image', { image: { id: '1', mime_type: 'image/jpeg', sha256: 'x', caption: 'c' } }),
    waMessage('location', { location: { latitude: 50.1, longitude: 14.4, name: 'n' } }),
    waMessage('contacts', { contacts: [{ name: { formatted_name: 'A' }, phones: [{ phone: '+1' }] }] }),
    waMessage('interactive', {
      interactive: { type: 'button_reply', button_reply: { id: 'a', title: 'A' } },
    }),
    waMessage('reaction', { reaction: { message_id: 'wamid.q', emoji: '👍' } }),
    waMessage('unsupported', { errors: [{ code: 131051, title: 'Unsupported' }] }),
    waValue({
      statuses: [{ id: 'wamid.s', status: 'delivered', timestamp: '1750000001', recipient_id: '1' }],
    }),
    waValue({
      statuses: [
        {
          id: 'wamid.s',
          status: 'failed',
          timestamp: '1750000001',
          recipient_id: '1',
          errors: [{ code: 131047, title: 'Re-engagement', error_data: { details: 'd' } }],
        },
      ],
    }),
  ].map((body) => ({ path: '/webhooks/whatsapp', secret: WA_SECRET, body })),
  ...[
    fbEvent({ message: { mid: 'm_fuzz', text: 'hi', quick_reply: { payload: 'P' } } }),
    fbEvent({
      message: { mid: 'm_fuzz2', attachments: [{ type: 'image', payload: { url: 'http://x/a.jpg' } }] },
    }),
    fbEvent({ message: { is_echo: true, app_id: 1, mid: 'm_echo', text: 'echo' } }),
    fbEvent({ delivery: { mids: ['m_x'], watermark: 1_750_000_000_000 } }),
    fbEvent({ read: { watermark: 1_750_000_000_000 } }),
    fbEvent({ postback: { mid: 'm_pb', title: 'Start', payload: 'GET_STARTED' } }),
    fbEvent({ reaction: { reaction: 'love', emoji: '❤️', action: 'react', mid: 'm_fuzz' } }),
    fbEvent({ message_edit: { mid: 'm_fuzz', text: 'edited', num_edit: 1 } }),
  ].map((body) => ({ path: '/webhooks/messenger', secret: FB_SECRET, body })),
];

async function post(path: string, body: Buffer | string, headers: Record<string, string>) {
  const response = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

const badSignature = fc.oneof(
  fc.constant<Record<string, string>>({}),
  fc.constant({ 'x-hub-signature-256': 'sha256=' }),
  fc.constant({ 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }),
  fc.constant({ 'x-hub-signature': 'sha1=0000000000000000000000000000000000000000' }),
  fc.string({ maxLength: 80 }).map((s) => ({ 'x-hub-signature-256': s.replace(/[^\x20-\x7e]/g, '') })),
  fc.constant('wrong secret' as const),
);

describe('webhook fuzz', () => {
  it(
    `refuses ${RUNS.refused} badly signed or unreadable deliveries with 4xx and writes nothing`,
    async () => {
      const before = await tenantCounts(t.database, f.tenant.id);
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(
          fc.nat(SEEDS.length - 1),
          mutations,
          fc.oneof(badSignature, rawDamage),
          async (seedIndex, ops, bad) => {
            const seed = SEEDS[seedIndex]!;
            let body: Buffer = Buffer.from(JSON.stringify(mutate(seed.body, ops)));
            let headers: Record<string, string>;
            if (typeof bad === 'object' && 'kind' in bad) {
              // Signed correctly, but not a JSON object.
              body = damage(JSON.stringify(seed.body), bad as Parameters<typeof damage>[1]);
              try {
                const parsed: unknown = JSON.parse(body.toString('utf8'));
                if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return;
              } catch {
                /* unreadable: expected */
              }
              headers = { 'x-hub-signature-256': signature(seed.secret, body) };
            } else if (bad === 'wrong secret') {
              headers = { 'x-hub-signature-256': signature('not-the-secret', body) };
            } else headers = bad;
            const status = await post(seed.path, body, headers);
            expect([400, 401]).toContain(status);
          },
        ),
        { numRuns: RUNS.refused },
      );
      console.info(`${RUNS.refused} refused deliveries in ${Date.now() - started} ms`);
      expect(await tenantCounts(t.database, f.tenant.id)).toEqual(before);
    },
    SOAK ? 3_600_000 : 120_000,
  );

  it(
    `answers ${RUNS.signed} signed, mutated deliveries without a 5xx and keeps serving`,
    async () => {
      const started = Date.now();
      let n = 0;
      const answers = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(fc.nat(SEEDS.length - 1), mutations, async (seedIndex, ops) => {
          const seed = SEEDS[seedIndex]!;
          // Unique ids where the seed has them, so stored messages are new ones, not duplicates.
          const text = JSON.stringify(mutate(seed.body, ops))
            .replaceAll('wamid.fuzz"', `wamid.fuzz-${id}-${n}"`)
            .replaceAll('"m_fuzz"', `"m_fuzz-${id}-${n}"`);
          n++;
          const status = await post(seed.path, text, { 'x-hub-signature-256': signature(seed.secret, text) });
          answers.set(status, (answers.get(status) ?? 0) + 1);
          expect(status).toBeLessThan(500);
        }),
        { numRuns: RUNS.signed },
      );
      console.info(
        `${RUNS.signed} signed deliveries in ${Date.now() - started} ms: ${JSON.stringify([...answers])}`,
      );
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
      // What was readable was stored: every stored message names its wamid or mid and a type.
      const { rows } = await t.database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND direction = 'in'`,
        [f.tenant.id],
      );
      expect(Number(rows[0]!.n)).toBeGreaterThan(0);
    },
    SOAK ? 3_600_000 : 180_000,
  );

  // PostgreSQL cannot store NUL (\u0000) in text or jsonb: the readers replace it, so the message is stored (and not
  // failed with 503 for Meta to deliver again for days). A timestamp no database date can hold is an unreadable item.
  it('accepts a signed message whose text contains NUL, or whose timestamp is out of range', async () => {
    const cases = [
      waMessage('text', { text: { body: 'a\u0000b' } }),
      fbEvent({ message: { mid: `m_nul-${id}`, text: 'a\u0000b' } }),
      waMessage('text', { text: { body: 'late' }, timestamp: 9007199254740992 }),
    ];
    for (const [i, body] of cases.entries()) {
      const text = JSON.stringify(body).replace('wamid.fuzz"', `wamid.poison-${id}-${i}"`);
      const [path, secret] = i === 1 ? ['/webhooks/messenger', FB_SECRET] : ['/webhooks/whatsapp', WA_SECRET];
      expect(await post(path, text, { 'x-hub-signature-256': signature(secret, text) })).toBe(200);
    }
    const { rows } = await t.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND text = $2`,
      [f.tenant.id, 'a\uFFFDb'],
    );
    expect(Number(rows[0]!.n)).toBe(2);
  });
});
