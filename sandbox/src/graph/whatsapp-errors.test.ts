import { afterEach, describe, expect, it } from 'vitest';
import { bearer, ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
afterEach(async () => rig?.close());

const other = '447700900123';

async function setup(overrides: Parameters<typeof startRig>[0] = {}) {
  rig = await startRig(overrides);
  rig.sandbox.addWhatsAppCustomer({ waId: other, name: 'Ana' });
  for (const from of [ids.customer, other]) {
    await rig.sandbox.injectWhatsApp({ from, type: 'text', text: { body: 'hi' } });
  }
  rig.sandbox.setSwitches({ statusProgression: 'none' });
  rig.receiver.received.length = 0;
}

const text = (to: string, extra: Record<string, unknown> = {}) =>
  rig.graph(
    'POST',
    `/v23.0/${ids.phoneNumberId}/messages`,
    { messaging_product: 'whatsapp', to, type: 'text', text: { body: 'hello' }, ...extra },
    bearer,
  );

const failedStatuses = () =>
  rig.receiver.received
    .flatMap((r) => (r.body as Json).entry)
    .flatMap((e: Json) => e.changes.flatMap((c: Json) => c.value.statuses ?? []))
    .filter((s: Json) => s.status === 'failed');

describe('forced failures (fail-next)', () => {
  it.each([
    [131026, 400],
    [131051, 400],
    [131053, 400],
    [131056, 400],
    [130429, 400],
    [132000, 400],
    [132001, 400],
    [100, 400],
    [131049, 400],
    [131057, 400],
    [131000, 500],
    [131016, 503],
  ])('answers code %i synchronously with HTTP %i in Meta’s envelope', async (code, status) => {
    await setup();
    rig.sandbox.failNext({ product: 'whatsapp', code });
    const failed = await text(ids.customer);
    expect(failed.status).toBe(status);
    expect(failed.body.error).toMatchObject({
      code,
      type: 'OAuthException',
      message: expect.stringMatching(new RegExp(`^\\(#${code}\\) `)),
      error_data: { messaging_product: 'whatsapp', details: expect.any(String) },
      fbtrace_id: expect.any(String),
    });
    expect((await text(ids.customer)).status).toBe(200);
  });

  it('answers an HTTP 5xx and then recovers after N sends', async () => {
    await setup();
    rig.sandbox.failNext({ product: 'whatsapp', code: 503, count: 2 });
    expect((await text(ids.customer)).status).toBe(503);
    expect((await text(ids.customer)).status).toBe(503);
    expect((await text(ids.customer)).status).toBe(200);
  });

  it('fails asynchronously with a failed status, only for the given recipient', async () => {
    await setup();
    rig.sandbox.failNext({ product: 'whatsapp', code: 131026, mode: 'async', recipient: other });
    const mine = await text(ids.customer);
    const theirs = await text(`+${other}`);
    expect(mine.status).toBe(200);
    expect(theirs.status).toBe(200);
    await rig.receiver.waitFor(1);
    await rig.sandbox.idle();
    const failed = failedStatuses();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      id: theirs.body.messages[0].id,
      recipient_id: other,
      errors: [{ code: 131026 }],
    });
  });
});

describe('limits and recipients', () => {
  it('pair rate 131056 hits one recipient only, and refills on the clock', async () => {
    await setup({ pairRate: { burst: 3, intervalMs: 6_000 } });
    for (let i = 0; i < 3; i++) expect((await text(ids.customer)).status).toBe(200);
    const limited = await text(ids.customer);
    expect(limited.status).toBe(400);
    expect(limited.body.error.code).toBe(131056);
    expect((await text(other)).status).toBe(200);
    rig.sandbox.advanceClock(6_000);
    expect((await text(ids.customer)).status).toBe(200);
  });

  it('throughput 130429 per business number', async () => {
    await setup({
      rateLimitHttpStatus: 429,
      whatsapp: {
        numbers: [
          {
            phoneNumberId: ids.phoneNumberId,
            displayPhoneNumber: ids.displayPhoneNumber,
            wabaId: ids.wabaId,
            accessToken: ids.waToken,
            throughputMps: 2,
          },
        ],
        customers: [{ waId: ids.customer, name: 'Sheena Nelson' }],
      },
    });
    expect((await text(ids.customer)).status).toBe(200);
    expect((await text(other)).status).toBe(200);
    const limited = await text(ids.customer);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({
      code: 130429,
      error_data: { details: expect.stringMatching(/throughput/) },
    });
    rig.sandbox.advanceClock(1_000);
    expect((await text(other)).status).toBe(200);
  });

  it('unknown numbers and not-on-WhatsApp customers fail later with 131026; marketing opt-outs with 131050', async () => {
    await setup();
    rig.sandbox.addWhatsAppCustomer({ waId: '15550001111', name: 'Gone', state: 'not-on-whatsapp' });
    rig.sandbox.addWhatsAppCustomer({ waId: '15550002222', name: 'No ads', state: 'opted-out-marketing' });
    const template = { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };
    const unknown = await text('+15559998888', template);
    const gone = await text('15550001111', template);
    const optedOut = await text('15550002222', template);
    expect([unknown.status, gone.status, optedOut.status]).toEqual([200, 200, 200]);
    await rig.receiver.waitFor(3);
    await rig.sandbox.idle();
    const codes = Object.fromEntries(failedStatuses().map((s: Json) => [s.recipient_id, s.errors[0].code]));
    expect(codes).toEqual({ '15559998888': 131026, '15550001111': 131026, '15550002222': 131050 });
  });

  it('BSUID-only customers: inbound without from/wa_id, sends by recipient answer user_id', async () => {
    await setup();
    const bsuid = 'US.13491208655302741918';
    rig.sandbox.addWhatsAppCustomer({ bsuid, name: 'Username user', username: 'jess' });
    await rig.sandbox.injectWhatsApp({ from: bsuid, type: 'text', text: { body: 'hey' } });
    const [hook] = await rig.receiver.waitFor(1);
    const value = (hook!.body as Json).entry[0].changes[0].value;
    expect(value.contacts).toEqual([
      { profile: { name: 'Username user', username: 'jess' }, user_id: bsuid },
    ]);
    expect(value.messages[0].from).toBeUndefined();
    expect(value.messages[0].from_user_id).toBe(bsuid);
    const sent = await rig.graph(
      'POST',
      `/v23.0/${ids.phoneNumberId}/messages`,
      { messaging_product: 'whatsapp', recipient: bsuid, type: 'text', text: { body: 'hello' } },
      bearer,
    );
    expect(sent.status).toBe(200);
    expect(sent.body.contacts).toEqual([{ input: bsuid, user_id: bsuid }]);
  });
});
