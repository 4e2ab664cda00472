import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { channelAccounts } from '../../db/schema.js';
import { call } from '../../../test/factories.js';
import { SHEENA, APP_SECRET, VERIFY_TOKEN, useWhatsAppKit, whatsAppWebhook } from './whatsapp-test-kit.js';

const kit = useWhatsAppKit(7);

describe('connecting a number', () => {
  it('is for admins, seals the secrets and never returns them, and refuses a number twice', async () => {
    const f = await kit.fixture();
    const number = kit.takeNumber();
    const body = { name: 'Sales', ...number, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN };
    const asOperator = await call(kit.t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
      headers: f.sessions.olga!.headers,
      body,
    });
    expect(asOperator.status).toBe(403);
    const connected = await call(kit.t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
      headers: f.sessions.admin!.headers,
      body,
    });
    expect(connected.status).toBe(201);
    expect(connected.body).toEqual({
      id: expect.any(String),
      channel: 'whatsapp',
      name: 'Sales',
      phoneNumberId: number.phoneNumberId,
      wabaId: number.wabaId,
      displayPhoneNumber: number.displayPhoneNumber,
    });
    const [row] = await kit.t.database.db
      .select()
      .from(channelAccounts)
      .where(eq(channelAccounts.id, connected.body.id));
    expect(row!.credentialsEncrypted).not.toContain(number.accessToken);
    expect(row!.credentialsEncrypted).not.toContain(APP_SECRET);
    const again = await call(kit.t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
      headers: f.sessions.admin!.headers,
      body,
    });
    expect(again.status).toBe(409);
    const openapi = await call(kit.t.url, 'GET', '/api/v1/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/channel-accounts/whatsapp',
        '/api/v1/sessions/{id}/whatsapp-template',
      ]),
    );
  });
});

describe('the webhook', () => {
  it('answers the hub.* handshake with the challenge for a known verify token only', async () => {
    await kit.connectedTenant();
    const [result] = await kit.sandbox.verifySubscription('whatsapp');
    expect(result).toMatchObject({ ok: true });
    const wrong = await fetch(
      `${kit.t.url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42&hub.verify_token=nope`,
    );
    expect(wrong.status).toBe(403);
  });

  it('refuses a wrong or missing signature with 401 and stores nothing; non-JSON with a good one is 400', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const payload = whatsAppWebhook(number, {
      contacts: [{ profile: { name: 'Mallory' }, wa_id: SHEENA }],
      messages: [
        { from: SHEENA, id: 'wamid.forged', timestamp: '1750000000', type: 'text', text: { body: 'forged' } },
      ],
    });
    for (const mode of ['invalid', 'missing'] as const) {
      const [delivery] = await kit.sandbox.sendRawWebhook('whatsapp', payload, mode);
      expect(delivery!.status).toBe(401);
    }
    expect(await kit.messagesOf(accountId)).toEqual([]);
    const garbage = 'not json {';
    const bad = await fetch(`${kit.t.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': kit.sign(garbage) },
      body: garbage,
    });
    expect(bad.status).toBe(400);
    const [good] = await kit.sandbox.sendRawWebhook('whatsapp', payload, 'valid');
    expect(good!.status).toBe(200);
    expect((await kit.messagesOf(accountId)).map((m) => m.text)).toEqual(['forged']);
  });

  it('keeps the rest of a batch when one item is bad, and ignores numbers it does not serve', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const value = (phoneNumberId: string, items: unknown[]) => ({
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '1', phone_number_id: phoneNumberId },
        contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: SHEENA }],
        messages: items,
      },
    });
    const message = (id: string, body: string) => ({
      from: SHEENA,
      id,
      timestamp: '1750000000',
      type: 'text',
      text: { body },
    });
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: number.wabaId,
          changes: [
            value(number.phoneNumberId, [
              message('wamid.b1', 'one'),
              { from: SHEENA, type: 'text' },
              message('wamid.b2', 'two'),
            ]),
          ],
        },
        'garbage',
        {
          id: number.wabaId,
          changes: [
            value('999999999', [message('wamid.other', 'elsewhere')]),
            value(number.phoneNumberId, [message('wamid.b3', 'three')]),
          ],
        },
      ],
    };
    const [delivery] = await kit.sandbox.sendRawWebhook('whatsapp', payload, 'valid');
    expect(delivery!.status).toBe(200);
    expect((await kit.messagesOf(accountId)).map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });

  it('acknowledges a disabled number’s webhooks and drops them, so Meta does not retry them for days', async () => {
    const f = await kit.fixture();
    const number = kit.takeNumber();
    const appSecret = 'a secret of this number alone';
    const connected = await call(kit.t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
      headers: f.sessions.admin!.headers,
      body: { name: 'Old line', ...number, appSecret, verifyToken: VERIFY_TOKEN },
    });
    const accountId = connected.body.id as string;
    const setEnabled = (enabled: boolean) =>
      call(kit.t.url, 'PATCH', `/api/v1/channel-accounts/${accountId}`, {
        headers: f.sessions.admin!.headers,
        body: { enabled },
      });
    const deliver = (wamid: string, secret = appSecret) => {
      const raw = JSON.stringify(
        whatsAppWebhook(number, {
          contacts: [{ profile: { name: 'Sheena Nelson' }, wa_id: SHEENA }],
          messages: [
            { from: SHEENA, id: wamid, timestamp: '1750000000', type: 'text', text: { body: wamid } },
          ],
        }),
      );
      return fetch(`${kit.t.url}/webhooks/whatsapp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
        },
        body: raw,
      });
    };
    expect((await setEnabled(false)).status).toBe(200);
    expect((await deliver('wamid.while-off')).status).toBe(200);
    // A forged one is still refused.
    expect((await deliver('wamid.forged', 'not the secret')).status).toBe(401);
    expect(await kit.messagesOf(accountId)).toEqual([]);

    expect((await setEnabled(true)).status).toBe(200);
    expect((await deliver('wamid.back-on')).status).toBe(200);
    expect((await kit.messagesOf(accountId)).map((m) => m.text)).toEqual(['wamid.back-on']);
  });
});
