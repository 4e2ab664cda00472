import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contactIdentities, contacts, files, sessions } from '../../db/schema.js';
import { SHEENA, JOAO, JESS, useWhatsAppKit } from './whatsapp-test-kit.js';

const kit = useWhatsAppKit(8);

describe('inbound messages', () => {
  it('creates the contact from the profile and a session, and a duplicate delivery changes nothing', async () => {
    const { number, accountId } = await kit.connectedTenant();
    kit.sandbox.setSwitches({ duplicate: true });
    const sent = await kit.inject(number, { from: SHEENA, type: 'text', text: { body: 'Dobrý den 👋' } });
    await kit.inject(number, { from: SHEENA, type: 'text', id: sent.id, text: { body: 'Dobrý den 👋' } });
    const stored = await kit.messagesOf(accountId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ text: 'Dobrý den 👋', direction: 'in', status: 'received' });
    const [session] = await kit.t.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.channelAccountId, accountId));
    const [contact] = await kit.t.database.db
      .select()
      .from(contacts)
      .where(eq(contacts.id, session!.contactId));
    expect(contact).toMatchObject({ name: 'Sheena Nelson', phone: `+${SHEENA}` });
    const identities = await kit.t.database.db
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.contactId, contact!.id));
    expect(identities.map((i) => [i.kind, i.value])).toEqual([['wa_id', SHEENA]]);
    // Meta's timestamp (whole seconds), not the time it arrived.
    expect(session!.lastCustomerMessageAt!.getTime() % 1000).toBe(0);
  });

  it('turns every type into a message: media pending then stored, location, contacts, replies, reactions, unsupported', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const text = await kit.inject(number, { from: SHEENA, type: 'text', text: { body: 'Hello' } });
    const image = await kit.inject(number, {
      from: SHEENA,
      type: 'image',
      image: { caption: 'Broken box' },
      file: { mime_type: 'image/png', base64: png.toString('base64') },
    });
    const voice = await kit.inject(number, {
      from: SHEENA,
      type: 'audio',
      audio: { voice: true, mime_type: 'audio/ogg; codecs=opus' },
    });
    const doc = await kit.inject(number, {
      from: SHEENA,
      type: 'document',
      document: { filename: 'Příloha — faktura.pdf', mime_type: 'application/pdf' },
    });
    const sticker = await kit.inject(number, { from: SHEENA, type: 'sticker', sticker: {} });
    const location = await kit.inject(number, {
      from: SHEENA,
      type: 'location',
      location: { latitude: 50.08, longitude: 14.42, name: 'Office' },
    });
    const card = await kit.inject(number, {
      from: SHEENA,
      type: 'contacts',
      contacts: [
        { name: { formatted_name: 'Jan Novák' }, phones: [{ phone: '+420 777 000 111', type: 'CELL' }] },
      ],
    });
    const button = await kit.inject(number, {
      from: SHEENA,
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'cancel-button', title: 'Cancel' } },
    });
    const quick = await kit.inject(number, {
      from: SHEENA,
      type: 'button',
      button: { payload: 'STOP', text: 'Unsubscribe' },
    });
    const quoted = await kit.inject(number, {
      from: SHEENA,
      type: 'text',
      text: { body: 'About this' },
      reply_to: text.id,
    });
    const forwarded = await kit.inject(number, {
      from: SHEENA,
      type: 'text',
      text: { body: 'Look' },
      context: { forwarded: true },
    });
    const unsupported = await kit.inject(number, {
      from: SHEENA,
      type: 'unsupported',
      unsupported: { type: 'poll' },
    });
    const failedMedia = await kit.inject(number, {
      from: SHEENA,
      type: 'video',
      video: {},
      media_error: true,
    });
    await kit.inject(number, {
      from: SHEENA,
      type: 'reaction',
      reaction: { message_id: text.id, emoji: '👍' },
    });

    const get = (wamid: string) => kit.messageByWamid(accountId, wamid);
    expect(await get(image.id)).toMatchObject({ text: 'Broken box', metadata: { type: 'image' } });
    expect((await get(voice.id))!.metadata).toMatchObject({ type: 'audio', voice: true });
    expect((await get(doc.id))!.metadata).toMatchObject({ attachments: [{ name: 'Příloha — faktura.pdf' }] });
    expect((await get(sticker.id))!.metadata).toMatchObject({
      type: 'sticker',
      attachments: [{ name: 'sticker.webp' }],
    });
    expect(await get(location.id)).toMatchObject({
      text: 'Office\n50.08, 14.42',
      metadata: { location: { latitude: 50.08 } },
    });
    expect((await get(card.id))!.text).toBe('Jan Novák +420 777 000 111');
    expect(await get(button.id)).toMatchObject({
      text: 'Cancel',
      metadata: { interactive: { id: 'cancel-button' } },
    });
    expect(await get(quick.id)).toMatchObject({
      text: 'Unsubscribe',
      metadata: { button: { payload: 'STOP' } },
    });
    const original = (await get(text.id))!;
    expect((await get(quoted.id))!.quotedMessageId).toBe(original.id);
    expect((await get(forwarded.id))!.metadata).toMatchObject({ forwarded: true });
    expect(await get(unsupported.id)).toMatchObject({
      text: 'unsupported: poll',
      metadata: { unsupportedType: 'poll' },
    });
    expect((await get(failedMedia.id))!.metadata).toMatchObject({ mediaError: { code: '131052' } });
    expect(original.metadata).toMatchObject({ reactions: { customer: '👍' } });

    // The media arrive as files through the download job.
    await expect
      .poll(async () => ((await get(image.id))!.metadata.attachments as any[])[0].fileId, { timeout: 15_000 })
      .toBeTruthy();
    const [file] = await kit.t.database.db
      .select()
      .from(files)
      .where(eq(files.messageId, (await get(image.id))!.id));
    expect(file).toMatchObject({ status: 'stored', size: png.length, contentType: 'image/png' });
    await expect
      .poll(async () => ((await get(doc.id))!.metadata.attachments as any[])[0].fileId, { timeout: 15_000 })
      .toBeTruthy();
    const getMedia = kit.sandbox.calls({ method: 'GET' }).filter((c) => c.path.includes(`/v23.0/`));
    expect(getMedia.length).toBeGreaterThan(0);

    await kit.inject(number, {
      from: SHEENA,
      type: 'reaction',
      reaction: { message_id: text.id, emoji: '' },
    });
    expect((await get(text.id))!.metadata.reactions).toEqual({});
  });

  it('records a media download that Meta refuses on the message', async () => {
    const { number, accountId } = await kit.connectedTenant();
    // Revoked first: the download job may start as soon as the message is stored.
    kit.sandbox.revokeToken(number.accessToken);
    const sent = await kit.inject(number, { from: SHEENA, type: 'image', image: { caption: 'Receipt' } });
    const message = await kit.messageByWamid(accountId, sent.id);
    expect(message).toMatchObject({ text: 'Receipt', metadata: { attachments: [{ name: 'image.jpg' }] } });
    await expect
      .poll(
        async () => ((await kit.messageByWamid(accountId, sent.id))!.metadata.attachments as any[])[0].error,
        {
          timeout: 20_000,
        },
      )
      .toMatch(/could not be downloaded/);
  });

  it('keys a Brazilian customer by the wa_id Meta gives, not the number they wrote from', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const sent = await kit.inject(number, { from: JOAO, type: 'text', text: { body: 'Olá' } });
    const message = await kit.messageByWamid(accountId, sent.id);
    const [session] = await kit.t.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, message!.sessionId));
    const [contact] = await kit.t.database.db
      .select()
      .from(contacts)
      .where(eq(contacts.id, session!.contactId));
    expect(contact).toMatchObject({ name: 'João Silva', phone: `+${JOAO}` });
  });

  it('answers 200 to a signed webhook for a number it does not serve, and stores nothing', async () => {
    const { accountId } = await kit.connectedTenant();
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '1', phone_number_id: '123' },
                messages: [
                  { from: SHEENA, id: 'wamid.x', timestamp: '1750000000', type: 'text', text: { body: 'x' } },
                ],
              },
            },
          ],
        },
      ],
    };
    const [delivery] = await kit.sandbox.sendRawWebhook('whatsapp', payload, 'valid');
    expect(delivery!.status).toBe(200);
    expect(await kit.messagesOf(accountId)).toEqual([]);
  });

  it('takes a BSUID-only customer', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const sent = await kit.inject(number, { from: JESS, type: 'text', text: { body: 'hi from a username' } });
    const message = await kit.messageByWamid(accountId, sent.id);
    const [session] = await kit.t.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, message!.sessionId));
    const identities = await kit.t.database.db
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.contactId, session!.contactId));
    expect(identities.map((i) => [i.kind, i.value])).toEqual([['bsuid', JESS]]);
  });
});

describe('edits', () => {
  it('keeps edits and revokes with the original text for audit', async () => {
    const { number, accountId } = await kit.connectedTenant();
    const original = await kit.inject(number, { from: SHEENA, type: 'text', text: { body: 'Teh box' } });
    await kit.inject(number, {
      from: SHEENA,
      type: 'edit',
      edit: { original_message_id: original.id, message: { type: 'text', text: { body: 'The box' } } },
    });
    expect(await kit.messageByWamid(accountId, original.id)).toMatchObject({
      text: 'The box',
      metadata: { edits: [{ previousText: 'Teh box' }] },
    });
    await kit.inject(number, { from: SHEENA, type: 'revoke', revoke: { original_message_id: original.id } });
    expect(await kit.messageByWamid(accountId, original.id)).toMatchObject({
      text: 'This message was deleted.',
      metadata: { edits: [{ previousText: 'Teh box' }, { previousText: 'The box' }] },
    });
    expect(await kit.messagesOf(accountId)).toHaveLength(1);
  });
});
