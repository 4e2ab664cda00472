import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './factories.js';
import { upload } from './file-helpers.js';
import { startTestApp, type TestApp } from './harness.js';
import { engineFixture, type EngineFixture } from './engine-setup.js';
import { buildWidget, launchChromium, startHostSite, widgetRunnable } from './widget-browser.js';

const payload = (e: { payload: unknown }) => e.payload as any;
const MAX = 200 * 1024;

describe.runIf(widgetRunnable)('web chat widget: files, in Chromium', () => {
  let browser: Browser;
  let t: TestApp;
  let f: EngineFixture;
  let site: Awaited<ReturnType<typeof startHostSite>>;

  beforeAll(async () => {
    await buildWidget();
    t = await startTestApp({ config: { MAX_UPLOAD_BYTES: String(MAX) } });
    f = await engineFixture(t);
    site = await startHostSite(t.url, { '/shop': f.key });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    f?.close();
    await site?.close();
    t?.app.server.closeAllConnections();
    await t?.close();
  });

  it('sends files with progress, refuses blocked and too large ones first, and shows files both ways', async () => {
    await f.available('olga');
    const page = await (await browser.newContext()).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${site.url}/shop`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByLabel('Your name').fill('Olaf');
    await page.getByLabel('Your question').fill('My parcel arrived broken');
    await page.getByRole('button', { name: 'Start chat' }).click();
    const offer = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created', 10_000);
    const sessionId = payload(offer).sessionId as string;
    await call(t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });

    // Three files picked at once: a program and a file over the limit are refused before anything is sent.
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } })
      .jpeg()
      .toBuffer();
    await page.locator('input[type=file]').setInputFiles([
      { name: 'parcel.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ fake program') },
      { name: 'video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(MAX + 1) },
    ]);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Files of this type are blocked: setup.exe');
    expect(await alert.textContent()).toContain('The file video.mp4 is larger than 200 KB');

    // The photo arrives at the operator as the customer's message with one attachment.
    const created = await f.sockets.olga!.waitFor(
      (e) => e.name === 'message.created' && payload(e).metadata.attachments?.[0]?.name === 'parcel.jpg',
      10_000,
    );
    expect(payload(created).metadata.attachments).toHaveLength(1);
    // Its thumbnail is made by the worker and appears in the widget without a reload.
    const thumbnail = page.locator('.msg.customer img[alt="parcel.jpg"]');
    await thumbnail.waitFor({ timeout: 15_000 });
    expect(await thumbnail.evaluate((img: any) => img.complete && img.naturalWidth)).toBe(320);

    // The operator sends a document: the customer sees its name and size as a link that downloads it.
    const uploaded = await upload(t.url, sessionId, f.sessions.olga!.headers, [
      { name: 'return-label.txt', data: 'Return to: Shop, Main St 1', type: 'text/plain' },
    ]);
    const sent = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Print this label', fileIds: [uploaded.body.items[0].id] },
    });
    expect(sent.status).toBe(201);
    const link = page.locator('.msg.operator a.file');
    await link.waitFor();
    expect(await link.textContent()).toBe('return-label.txt (26 bytes)');
    const href = (await link.getAttribute('href'))!;
    expect(href).toContain('/files/signed/');
    expect(await (await fetch(href)).text()).toBe('Return to: Shop, Main St 1');

    // A reload shows the same files again (the links are asked for afresh).
    await page.reload();
    await page.locator('.msg.customer img[alt="parcel.jpg"]').waitFor();
    await page.locator('.msg.operator a.file').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('shows upload progress while a file is sent', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.url}/shop`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByLabel('Your question').fill('Slow upload');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByLabel('Message', { exact: true }).waitFor();
    // Slow the upload down so that the progress bar can be seen.
    await page.route('**/files', async (route) => {
      await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    await page.locator('input[type=file]').setInputFiles([
      { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('first') },
      { name: 'b.txt', mimeType: 'text/plain', buffer: Buffer.from('second') },
    ]);
    const progress = page.getByRole('status').filter({ hasText: 'Sending 2 files…' });
    await progress.waitFor();
    expect(await page.getByLabel('Upload progress').isVisible()).toBe(true);
    await page.locator('.msg.customer a.file', { hasText: 'b.txt' }).waitFor();
    await expect.poll(() => progress.isVisible()).toBe(false);
  });
});
