import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

let rig: TestRig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => rig.close());

const create = (body: Record<string, unknown>) =>
  rig.graph('POST', `/v23.0/${ids.wabaId}/message_templates`, body, bearer);
const sendTemplate = (name: string) =>
  rig.graph(
    'POST',
    `/v23.0/${ids.phoneNumberId}/messages`,
    {
      messaging_product: 'whatsapp',
      to: ids.customer,
      type: 'template',
      template: {
        name,
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }],
      },
    },
    bearer,
  );

describe('POST /{waba-id}/message_templates', () => {
  it('creates a PENDING template that can be sent once approved', async () => {
    const created = await create({
      name: 'reminder_1',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, we are still here.' }],
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      status: 'PENDING',
      category: 'UTILITY',
    });
    expect((await sendTemplate('reminder_1')).body.error.code).toBe(132001);
    const listed = await rig.graph(
      'GET',
      `/v23.0/${ids.wabaId}/message_templates?status=PENDING`,
      undefined,
      bearer,
    );
    expect(listed.body.data.map((t: Json) => t.name)).toEqual(['reminder_1']);

    await rig.sandbox.setTemplateStatus({ name: 'reminder_1', language: 'en_US', status: 'APPROVED' });
    const [hook] = await rig.receiver.waitFor(1);
    expect((hook!.body as Json).entry[0].changes[0].value).toMatchObject({
      event: 'APPROVED',
      message_template_id: Number(created.body.id),
    });
    expect((await sendTemplate('reminder_1')).status).toBe(200);
  });

  it('named parameters: created with parameter_format NAMED and filled by parameter_name', async () => {
    const created = await create({
      name: 'named_hello',
      language: 'en_US',
      category: 'UTILITY',
      parameter_format: 'NAMED',
      components: [{ type: 'BODY', text: 'Hi {{first_name}}, your code is {{code}}.' }],
    });
    expect(created.status).toBe(200);
    await rig.sandbox.setTemplateStatus({ name: 'named_hello', language: 'en_US', status: 'APPROVED' });
    const sendNamed = (parameters: Record<string, unknown>[]) =>
      rig.graph(
        'POST',
        `/v23.0/${ids.phoneNumberId}/messages`,
        {
          messaging_product: 'whatsapp',
          to: ids.customer,
          type: 'template',
          template: {
            name: 'named_hello',
            language: { code: 'en_US' },
            components: [{ type: 'body', parameters }],
          },
        },
        bearer,
      );
    const good = await sendNamed([
      { type: 'text', parameter_name: 'code', text: '1234' },
      { type: 'text', parameter_name: 'first_name', text: 'Jess' },
    ]);
    expect(good.status).toBe(200);
    const last = rig.sandbox.conversation({ product: 'whatsapp', customer: ids.customer }).messages.at(-1)!;
    expect(last.text).toBe('Hi Jess, your code is 1234.');
    const wrongName = await sendNamed([
      { type: 'text', parameter_name: 'name', text: 'Jess' },
      { type: 'text', parameter_name: 'code', text: '1234' },
    ]);
    expect(wrongName.body.error.code).toBe(132000);
    const listed = await rig.graph(
      'GET',
      `/v23.0/${ids.wabaId}/message_templates?name=named_hello`,
      undefined,
      bearer,
    );
    expect(listed.body.data[0].parameter_format).toBe('NAMED');
  });

  it('rejects bad names, categories, variables and duplicates with code 100', async () => {
    const base = {
      name: 'ok_name',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}.' }],
    };
    expect((await create({ ...base, name: 'Bad Name' })).body.error.code).toBe(100);
    expect((await create({ ...base, category: 'PROMO' })).body.error.code).toBe(100);
    expect(
      (await create({ ...base, components: [{ type: 'BODY', text: 'Hi {{2}}.' }] })).body.error.code,
    ).toBe(100);
    expect(
      (await create({ ...base, components: [{ type: 'BODY', text: '{{1}} hi' }] })).body.error.code,
    ).toBe(100);
    expect((await create(base)).status).toBe(200);
    expect((await create(base)).body.error.code).toBe(100);
    const noToken = await rig.graph('POST', `/v23.0/${ids.wabaId}/message_templates`, base);
    expect(noToken.body.error.code).toBe(190);
  });
});
