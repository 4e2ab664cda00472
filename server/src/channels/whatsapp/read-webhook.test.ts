import { describe, expect, it } from 'vitest';
import { inboundEventOf, phoneNumberIdsOf, readWebhook } from './read-webhook.js';

const envelope = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            ...value,
          },
        },
      ],
    },
  ],
});
const base = { from: '16505551234', id: 'wamid.A', timestamp: '1750000000' };

describe('reading a WhatsApp webhook', () => {
  it('keeps edits and revokes as edits of the original, and reads orders and system messages', () => {
    expect(
      inboundEventOf({
        ...base,
        type: 'edit',
        edit: { original_message_id: 'wamid.O', message: { type: 'text', text: { body: 'fixed' } } },
      }),
    ).toEqual({ kind: 'edit', channelMessageId: 'wamid.O', text: 'fixed', sentAt: new Date(1750000000_000) });
    expect(
      inboundEventOf({ ...base, type: 'revoke', revoke: { original_message_id: 'wamid.O' } }),
    ).toMatchObject({
      kind: 'edit',
      channelMessageId: 'wamid.O',
      text: 'This message was deleted.',
      revoked: true,
    });
    expect(
      inboundEventOf({
        ...base,
        type: 'order',
        order: { catalog_id: 'c', product_items: [{ product_retailer_id: 'p', quantity: 2 }] },
      }),
    ).toMatchObject({ text: 'Order of 1 item', metadata: { type: 'order', order: { catalog_id: 'c' } } });
    expect(
      inboundEventOf({
        ...base,
        type: 'system',
        system: { body: 'User changed number', type: 'user_changed_number' },
      }),
    ).toMatchObject({ text: 'User changed number', metadata: { system: { type: 'user_changed_number' } } });
    expect(inboundEventOf({ ...base, type: 'request_welcome' })).toMatchObject({
      text: 'unsupported: request_welcome',
      metadata: { unsupportedType: 'request_welcome' },
    });
    expect(inboundEventOf({ ...base, type: 'reaction', reaction: { message_id: 'wamid.O' } })).toMatchObject({
      kind: 'reaction',
      channelMessageId: 'wamid.O',
      emoji: null,
    });
  });

  it('reads statuses (played as read, failures with code and details) and skips what it cannot read', () => {
    const { items, problems } = readWebhook(
      envelope({
        statuses: [
          { id: 'wamid.S1', status: 'played', timestamp: '1750000001', recipient_id: '1' },
          {
            id: 'wamid.S2',
            status: 'failed',
            timestamp: '1750000002',
            biz_opaque_callback_data: 'ours',
            errors: [
              { code: 131047, title: 'Re-engagement message', error_data: { details: 'More than 24 hours' } },
            ],
          },
          { id: 'wamid.S3', status: 'deleted', timestamp: '1750000003' },
          { status: 'sent', timestamp: '1750000004' },
          { id: 'wamid.S5', status: 'sent', timestamp: 'yesterday' },
        ],
      }),
    );
    expect(items).toEqual([
      expect.objectContaining({ kind: 'status', wamid: 'wamid.S1', status: 'read' }),
      expect.objectContaining({
        wamid: 'wamid.S2',
        status: 'failed',
        callbackData: 'ours',
        error: { code: 131047, title: 'Re-engagement message', details: 'More than 24 hours' },
      }),
    ]);
    expect(problems).toHaveLength(2);
  });

  it('keys the customer by wa_id and BSUID, with the profile name', () => {
    const { items } = readWebhook(
      envelope({
        contacts: [{ profile: { name: 'Jess', username: 'jess.design' }, user_id: 'US.1' }],
        messages: [
          {
            from_user_id: 'US.1',
            id: 'wamid.B',
            timestamp: '1750000000',
            type: 'text',
            text: { body: 'hi' },
          },
        ],
      }),
    );
    expect(items[0]).toMatchObject({
      kind: 'inbound',
      customer: { identities: [{ kind: 'bsuid', value: 'US.1' }], profile: { name: 'Jess' } },
    });
    expect(phoneNumberIdsOf(envelope({}))).toEqual(['106540352242922']);
    expect(phoneNumberIdsOf('garbage')).toEqual([]);
    expect(readWebhook({ entry: 'nope' })).toEqual({ items: [], problems: [] });
  });
});
