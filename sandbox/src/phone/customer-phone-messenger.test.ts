import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../testing/chromium.js';
import { ids, startRig, type Json, type TestRig } from '../testing/test-sandbox.js';

describe.skipIf(!hasChromium)('customer phone page as a Messenger customer (Chromium)', () => {
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

  const events = () =>
    rig.receiver.received.flatMap((r) => (r.body as Json).entry).flatMap((e: Json) => e.messaging);
  const eventWith = (predicate: (e: Json) => boolean) =>
    expect.poll(() => events().find(predicate), { timeout: 5_000 });

  it('picks the customer, writes, sees the reply with ticks, quotes it, sends a file and reacts', async () => {
    const page = await browser.newPage();
    await page.goto(`${rig.sandbox.url}/_sandbox/phone/`);
    await page.getByTestId('customer').selectOption(`messenger:${ids.psid}`);
    await expect.poll(() => page.getByTestId('window').innerText()).toContain('No customer-service window');

    await page.getByTestId('text').fill('Hola 👋 <i>where</i> is my order?');
    await page.getByTestId('send').click();
    await eventWith((e) => e.message?.text !== undefined).toMatchObject({
      sender: { id: ids.psid },
      recipient: { id: ids.pageId },
      message: { text: 'Hola 👋 <i>where</i> is my order?', mid: expect.stringMatching(/^m_/) },
    });
    expect(rig.receiver.received.every((r) => r.signatureValid)).toBe(true);
    await expect.poll(() => page.getByTestId('window').innerText()).toContain('Window open until');
    expect(await page.locator('[data-testid=messages] i').count()).toBe(0);

    const sent = await rig.graph('POST', `/v23.0/me/messages?access_token=${ids.pageToken}`, {
      recipient: { id: ids.psid },
      messaging_type: 'RESPONSE',
      message: { text: 'It ships tomorrow 📦' },
    });
    expect(sent.status).toBe(200);
    const mid = sent.body.message_id as string;
    const reply = page.locator(`[data-id="${mid}"]`);
    await expect.poll(() => reply.innerText(), { timeout: 5_000 }).toContain('It ships tomorrow 📦');
    // The open page reads it: blue ticks, and the page gets the delivery (with its mid) and a read watermark.
    await expect
      .poll(() => reply.getByTestId('ticks').getAttribute('class'), { timeout: 5_000 })
      .toContain('read');
    await eventWith((e) => e.delivery?.mids?.includes(mid)).toBeDefined();
    await eventWith((e) => e.read !== undefined).toMatchObject({
      sender: { id: ids.psid },
      read: { watermark: expect.any(Number) },
    });

    await reply.locator('button[title=Reply]').click();
    await page.getByTestId('text').fill('Tomorrow is fine');
    await page.getByTestId('send').click();
    await eventWith((e) => e.message?.text === 'Tomorrow is fine').toMatchObject({
      message: { reply_to: { mid } },
    });

    const pdf = Buffer.from('%PDF-1.4 receipt');
    await page
      .getByTestId('file')
      .setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: pdf });
    await eventWith((e) => e.message?.attachments !== undefined).toMatchObject({
      message: { attachments: [{ type: 'file', payload: { url: expect.any(String) } }] },
    });
    const attachment = events().find((e) => e.message?.attachments).message.attachments[0];
    const bytes = Buffer.from(await (await fetch(attachment.payload.url as string)).arrayBuffer());
    expect(bytes.equals(pdf)).toBe(true);
    await expect.poll(() => page.getByTestId('customer-message').count()).toBe(3);

    await reply.locator('[data-react="👍"]').click();
    await eventWith((e) => e.reaction !== undefined).toMatchObject({
      sender: { id: ids.psid },
      reaction: { reaction: 'like', emoji: '👍', action: 'react', mid },
    });

    // The business reacts to the customer's first message: the customer sees it.
    const first = events().find((e) => e.message?.text?.startsWith('Hola')).message.mid as string;
    const react = await rig.graph('POST', `/v23.0/me/messages?access_token=${ids.pageToken}`, {
      recipient: { id: ids.psid },
      sender_action: 'react',
      payload: { message_id: first, reaction: '❤️' },
    });
    expect(react.status).toBe(200);
    await expect
      .poll(() => page.locator(`[data-id="${first}"] .reactions`).innerText(), { timeout: 5_000 })
      .toContain('❤️');
    await page.close();
  });
});
