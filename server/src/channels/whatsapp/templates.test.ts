import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { demoTemplates } from '@switchboard/sandbox/demo-config';
import { channelAccounts } from '../../db/schema.js';
import { call, logIn } from '../../../test/factories.js';
import { syncWhatsAppTemplates } from './sync-whatsapp-templates.js';
import { useWhatsAppKit } from './whatsapp-test-kit.js';

const kit = useWhatsAppKit(6);

describe('WhatsApp templates', () => {
  it('syncs the number’s templates page by page, offers approved ones, and follows status changes', async () => {
    const { accountId } = await kit.connectedTenant();
    const list = (all = false) =>
      call(
        kit.t.url,
        'GET',
        `/api/v1/channel-accounts/${accountId}/whatsapp-templates${all ? '?all=true' : ''}`,
        {
          headers: kit.f.sessions.olga!.headers,
        },
      );
    // Connecting queues a first sync.
    await expect
      .poll(async () => (await list()).body.items?.length, { timeout: 15_000 })
      .toBe(demoTemplates.length);
    expect((await list()).body.items.find((i: any) => i.name === 'follow_up')).toMatchObject({
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      components: [{ type: 'BODY' }, { type: 'BUTTONS' }],
    });
    await kit.sandbox.setTemplateStatus({ name: 'spring_sale', language: 'en_US', status: 'PAUSED' });
    const asOperator = await call(
      kit.t.url,
      'POST',
      `/api/v1/channel-accounts/${accountId}/whatsapp-templates/sync`,
      {
        headers: kit.f.sessions.olga!.headers,
      },
    );
    expect(asOperator.status).toBe(403);
    const synced = await call(
      kit.t.url,
      'POST',
      `/api/v1/channel-accounts/${accountId}/whatsapp-templates/sync`,
      {
        headers: kit.f.sessions.admin!.headers,
      },
    );
    expect(synced.body).toEqual({ synced: demoTemplates.length });
    // Small pages: every page is followed.
    kit.sandbox.clearCalls();
    const [account] = await kit.t.database.db
      .select()
      .from(channelAccounts)
      .where(eq(channelAccounts.id, accountId));
    const runtime = { graph: kit.t.config.graphApi, secretBox: kit.t.secretBox };
    expect(
      await syncWhatsAppTemplates({ database: kit.t.database, now: kit.t.clock.now, runtime }, account!, 2),
    ).toEqual({
      synced: demoTemplates.length,
    });
    const pages = kit.sandbox.calls({ method: 'GET', pathContains: '/message_templates' });
    expect(pages.map((c) => Boolean(c.query.after))).toEqual([false, true, true]);
    expect((await list()).body.items.map((i: any) => i.name)).not.toContain('spring_sale');
    expect((await list(true)).body.items.find((i: any) => i.name === 'spring_sale').status).toBe('PAUSED');
    await kit.sandbox.setTemplateStatus({ name: 'spring_sale', language: 'en_US', status: 'APPROVED' });
  });

  it('sends an approved template with its parameters outside the window', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const { sessionId } = await kit.activeSession(number, accountId);
    kit.sandbox.advanceClock(25 * 3600_000);
    kit.t.clock.set(new Date(kit.t.clock.now().getTime() + 25 * 3600_000));
    kit.f.sessions.olga = await logIn(kit.t.url, kit.f.tenant.operators[0]!);
    await expect
      .poll(
        async () => {
          const rows = await call(
            kit.t.url,
            'GET',
            `/api/v1/channel-accounts/${accountId}/whatsapp-templates`,
            {
              headers: kit.f.sessions.olga!.headers,
            },
          );
          return rows.body.items?.length;
        },
        { timeout: 15_000 },
      )
      .toBe(demoTemplates.length);
    const path = `/api/v1/sessions/${sessionId}/whatsapp-template`;
    const headers = kit.f.sessions.olga!.headers;
    const wrong = await call(kit.t.url, 'POST', path, {
      headers,
      body: { name: 'follow_up', language: 'en_US', parameters: ['Sheena'] },
    });
    expect(wrong.body.error).toMatchObject({
      code: 'template_parameters',
      details: { expected: 2, given: 1 },
    });
    const unknown = await call(kit.t.url, 'POST', path, {
      headers,
      body: { name: 'nope', language: 'en_US', parameters: [] },
    });
    expect(unknown.status).toBe(422);
    const sent = await call(kit.t.url, 'POST', path, {
      headers,
      body: { name: 'follow_up', language: 'en_US', parameters: ['Sheena', 'Olga'] },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.text).toBe(
      'Hi Sheena, this is Olga from support. Could you reply so we can continue your request?',
    );
    await expect
      .poll(async () => (await kit.statusOf(sent.body.id)).status, { timeout: 15_000 })
      .toBe('sent');
    const request = kit.sandbox
      .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
      .find((c) => (c.body as any).biz_opaque_callback_data === sent.body.id);
    expect(request!.body).toMatchObject({
      type: 'template',
      template: {
        name: 'follow_up',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Sheena' },
              { type: 'text', text: 'Olga' },
            ],
          },
        ],
      },
    });
  });
});

describe('template status webhooks', () => {
  it('follows message_template_status_update: a paused template is no longer offered, approved again it is', async () => {
    const { accountId } = await kit.connectedTenant();
    await kit.templatesSynced(accountId);
    const offered = async () =>
      (
        await call(kit.t.url, 'GET', `/api/v1/channel-accounts/${accountId}/whatsapp-templates`, {
          headers: kit.f.sessions.olga!.headers,
        })
      ).body.items.map((i: any) => i.name);
    expect(await offered()).toContain('order_update');
    kit.sandbox.clearCalls();
    await kit.sandbox.setTemplateStatus({ name: 'order_update', language: 'en_US', status: 'PAUSED' });
    await kit.sandbox.idle();
    expect(await offered()).not.toContain('order_update');
    const all = await call(
      kit.t.url,
      'GET',
      `/api/v1/channel-accounts/${accountId}/whatsapp-templates?all=true`,
      {
        headers: kit.f.sessions.olga!.headers,
      },
    );
    expect(all.body.items.find((i: any) => i.name === 'order_update').status).toBe('PAUSED');
    // The webhook alone did it: no template list was read from Meta.
    expect(kit.sandbox.calls({ method: 'GET', pathContains: '/message_templates' })).toHaveLength(0);
    await kit.sandbox.setTemplateStatus({ name: 'order_update', language: 'en_US', status: 'APPROVED' });
    await kit.sandbox.idle();
    expect(await offered()).toContain('order_update');
  });
});
