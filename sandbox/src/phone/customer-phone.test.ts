import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../testing/chromium.js';
import { bearer, ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

describe.skipIf(!hasChromium)('customer phone page (Chromium)', () => {
  let browser: Browser;
  let rig: TestRig;

  beforeAll(async () => {
    browser = await launchChromium();
    rig = await startRig({ switches: { statusProgression: 'delivered' } });
  });
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('chats as a WhatsApp customer: sends text as text, sees the reply and its ticks, reacts, quotes it', async () => {
    const page = await browser.newPage();
    await page.goto(`${rig.sandbox.url}/_sandbox/phone/#whatsapp:${ids.customer}`);
    await page.getByTestId('text').fill('<b>Olá</b> 👋');
    await page.getByTestId('send').click();

    const [inbound] = await rig.receiver.waitFor(1);
    expect(inbound!.signatureValid).toBe(true);
    const message = (inbound!.body as Json).entry[0].changes[0].value.messages[0];
    expect(message.text.body).toBe('<b>Olá</b> 👋');
    const mine = page.getByTestId('customer-message');
    await expect.poll(() => mine.first().innerText()).toContain('<b>Olá</b> 👋');
    expect(await page.locator('[data-testid=messages] b').count()).toBe(0);

    const sent = await rig.graph(
      'POST',
      `/v23.0/${ids.phoneNumberId}/messages`,
      {
        messaging_product: 'whatsapp',
        to: ids.customer,
        type: 'text',
        text: { body: 'Hi! How can we help?' },
      },
      bearer,
    );
    const wamid = sent.body.messages[0].id as string;
    const reply = page.locator(`[data-id="${wamid}"]`);
    await expect.poll(() => reply.innerText(), { timeout: 5_000 }).toContain('Hi! How can we help?');
    await expect
      .poll(() => reply.getByTestId('ticks').getAttribute('class'), { timeout: 5_000 })
      .toContain('read');

    await reply.locator('[data-react="👍"]').click();
    await expect
      .poll(
        () =>
          rig.receiver.received
            .map((r) => (r.body as Json).entry[0].changes[0].value.messages?.[0])
            .find((m: Json) => m?.type === 'reaction')?.reaction,
        { timeout: 5_000 },
      )
      .toEqual({ message_id: wamid, emoji: '👍' });
    await reply.locator('button[title=Reply]').click();
    await page.getByTestId('text').fill('Yes, that order');
    await page.getByTestId('send').click();
    await expect
      .poll(
        () =>
          rig.receiver.received
            .map((r) => (r.body as Json).entry[0].changes[0].value.messages?.[0])
            .find((m: Json) => m?.text?.body === 'Yes, that order')?.context,
        { timeout: 5_000 },
      )
      .toEqual({ from: ids.displayPhoneNumber, id: wamid });
    const statuses = rig.receiver.received.flatMap(
      (r) => (r.body as Json).entry[0].changes[0].value.statuses ?? [],
    );
    expect(statuses.filter((s: Json) => s.id === wamid).map((s: Json) => s.status)).toEqual([
      'sent',
      'delivered',
      'read',
    ]);
    await page.close();
  });

  it('sends a file as a WhatsApp image and chats as a Messenger customer', async () => {
    rig.receiver.received.length = 0;
    const page = await browser.newPage();
    await page.goto(`${rig.sandbox.url}/_sandbox/phone/#whatsapp:${ids.customer}`);
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    await page.getByTestId('file').setInputFiles({ name: 'box.png', mimeType: 'image/png', buffer: png });
    // Other webhooks (statuses of the first test's reply) may still be on their way: pick the upload by content.
    const inboundImage = () =>
      rig.receiver.received
        .map((r) => (r.body as Json).entry?.[0].changes?.[0].value.messages?.[0])
        .find((m: Json) => m?.type === 'image')?.image;
    await expect.poll(inboundImage, { timeout: 15_000 }).toBeDefined();
    const image = inboundImage();
    expect(image).toMatchObject({ mime_type: 'image/png', id: expect.any(String) });
    const media = await rig.graph('GET', `/v23.0/${image.id}`, undefined, bearer);
    const bytes = Buffer.from(
      await (await fetch(media.body.url as string, { headers: bearer })).arrayBuffer(),
    );
    expect(bytes.equals(png)).toBe(true);

    rig.receiver.received.length = 0;
    await page.getByTestId('customer').selectOption(`messenger:${ids.psid}`);
    await page.getByTestId('text').fill('Hi from Messenger');
    await page.getByTestId('send').click();
    const messaging = () =>
      rig.receiver.received.find((r) => (r.body as Json).object === 'page')?.body as Json | undefined;
    await expect.poll(messaging, { timeout: 15_000 }).toBeDefined();
    expect(messaging()!.entry[0].messaging[0]).toMatchObject({
      sender: { id: ids.psid },
      recipient: { id: ids.pageId },
      message: { text: 'Hi from Messenger' },
    });
    await page.close();
  });
});
