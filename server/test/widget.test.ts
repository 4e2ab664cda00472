import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertChannelAccount } from '../src/channels/channel-accounts.repo.js';
import { call } from './factories.js';
import { startTestApp, type TestApp } from './harness.js';
import { engineFixture, type EngineFixture } from './engine-setup.js';
import { sleep } from './socket-client.js';
import { buildWidget, launchChromium, startHostSite, widgetRunnable } from './widget-browser.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const screenshot = path.resolve(here, '../../docs/screenshots/widget.png');

const payload = (e: { payload: unknown }) => e.payload as any;

describe.runIf(widgetRunnable)('web chat widget in Chromium', () => {
  let browser: Browser;
  let t: TestApp;
  let f: EngineFixture;
  let site: Awaited<ReturnType<typeof startHostSite>>;
  let siteUrl: string;
  const quickKey = `wc-quick-${Date.now()}`;

  beforeAll(async () => {
    await buildWidget();
    t = await startTestApp();
    f = await engineFixture(t);
    await insertChannelAccount(t.database.db, t.secretBox, {
      tenantId: f.tenant.id,
      channel: 'webchat',
      name: 'Quick chat',
      externalId: quickKey,
      settings: {
        entryForm: { name: false, email: false, question: false },
        greeting: 'Hi! Ask us anything.',
      },
    });
    site = await startHostSite(t.url, {
      '/shop': f.key,
      '/quick': quickKey,
      '/broken': 'no-such-widget-key',
    });
    siteUrl = site.url;
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    f?.close();
    await site?.close();
    await t?.close();
  });

  const widgetTexts = (page: Page) => page.locator('.msg .bubble, .msg.system').allTextContents();

  it('serves the script and a demo page that embeds it', async () => {
    const script = await fetch(`${t.url}/widget.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    // The size budget: one small script on every page of the customer's site.
    const gzipped = gzipSync(Buffer.from(await script.arrayBuffer())).length;
    expect(gzipped).toBeGreaterThan(1000);
    expect(gzipped).toBeLessThan(25_000);
    const demo = await fetch(`${t.url}/demo`);
    expect(demo.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await demo.text()).toContain('<script src="/widget.js" data-key="demo-webchat" async></script>');
  });

  it('chats with an operator: form, text only, read ticks, reload, offline queue, end and rating', async () => {
    await f.available('olga');
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      pageErrors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${siteUrl}/shop`);

    // The page's CSS does not reach into the widget: its launcher stays visible though the page hides buttons.
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(true);
    // The focus moves into the panel, to the form's first field.
    await expect
      .poll(() => page.getByLabel('Your name').evaluate((field) => field.matches(':focus')))
      .toBe(true);
    await page.getByLabel('Your name').fill('Karel');
    await page.getByLabel('Your question').fill('Where is my order? 📦');
    await page.getByRole('button', { name: 'Start chat' }).click();

    const offer = await f.sockets.olga!.waitFor((e) => e.name === 'offer.created', 10_000);
    expect(payload(offer).session).toMatchObject({
      contact: { name: 'Karel' },
      firstMessage: 'Where is my order? 📦',
      sourceUrl: `${siteUrl}/shop`,
    });
    const sessionId = payload(offer).sessionId as string;
    // The form has done its job: the chat takes its place.
    await expect.poll(() => page.getByLabel('Your question').isVisible()).toBe(false);
    expect(await page.getByLabel('Message', { exact: true }).isVisible()).toBe(true);
    const accepted = await call(t.url, 'POST', `/api/v1/offers/${payload(offer).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });
    expect(accepted.status).toBe(200);

    // The operator types: the widget says so.
    await f.sockets.olga!.socket.emitWithAck('session.typing', { sessionId, typing: true });
    await page.getByText('Olga is typing…').waitFor();

    const hostile = 'Hello <img src=x onerror=alert(1)> 😊 see https://shop.example/help.';
    const reply = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: hostile, clientMessageId: 'op-hostile' },
    });
    expect(reply.status).toBe(201);
    const operatorMessage = page.locator('.msg.operator').filter({ hasText: 'onerror' });
    await operatorMessage.waitFor();
    expect(await operatorMessage.locator('.bubble').textContent()).toBe(hostile);
    expect(await operatorMessage.locator('.author').textContent()).toBe('Olga');
    // Text stays text: no element came from the message, except the link the widget built itself.
    const shadowImages = await page
      .locator('#switchboard-widget')
      .evaluate((host: any) => host.shadowRoot.querySelectorAll('img').length as number);
    expect(shadowImages).toBe(0);
    const link = operatorMessage.getByRole('link');
    expect(await link.getAttribute('href')).toBe('https://shop.example/help');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await page.getByText('Olga is typing…').count()).toBe(0);

    // The panel is open and visible: the widget reports the operator's message read.
    await f.sockets.olga!.waitFor(
      (e) => e.name === 'message.updated' && payload(e).id === reply.body.id && payload(e).status === 'read',
      10_000,
    );

    // The operator reads the customer's message: its tick turns to read.
    const listed = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
    });
    const question = listed.body.items.find((m: any) => m.text === 'Where is my order? 📦');
    const own = page.locator('.msg.customer').filter({ hasText: 'Where is my order?' });
    expect(await own.locator('.tick').getAttribute('data-status')).toBe('sent');
    await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/read`, {
      headers: f.sessions.olga!.headers,
      body: { upToMessageId: question.id },
    });
    await expect.poll(() => own.locator('.tick').getAttribute('data-status')).toBe('read');

    // Emoji typed in the composer travel as text.
    await page.getByLabel('Message', { exact: true }).fill('Thanks 🙏');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await f.sockets.olga!.waitFor((e) => e.name === 'message.created' && payload(e).text === 'Thanks 🙏');
    const expected = ['Where is my order? 📦', 'Olga joined the conversation.', hostile, 'Thanks 🙏'];
    await expect.poll(() => widgetTexts(page)).toEqual(expected);

    mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });

    // A reload restores the open chat, every message once.
    await page.reload();
    await page.getByRole('dialog').waitFor();
    await expect.poll(() => widgetTexts(page)).toEqual(expected);
    await sleep(500);
    expect(await widgetTexts(page)).toEqual(expected);
    expect(await own.locator('.tick').getAttribute('data-status')).toBe('read');

    // Offline: the message waits in the widget, then arrives once when the network is back.
    await context.setOffline(true);
    await page.getByLabel('Message', { exact: true }).fill('Typed while offline');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await page.locator('.tick[data-status="sending"]').waitFor();
    await page.getByText(/^Offline/).waitFor();
    await sleep(700);
    expect(f.sockets.olga!.events.some((e) => payload(e).text === 'Typed while offline')).toBe(false);
    await context.setOffline(false);
    await f.sockets.olga!.waitFor(
      (e) => e.name === 'message.created' && payload(e).text === 'Typed while offline',
      15_000,
    );
    await expect
      .poll(() =>
        page
          .locator('.msg.customer')
          .filter({ hasText: 'Typed while offline' })
          .locator('.tick')
          .getAttribute('data-status'),
      )
      .toBe('sent');
    await sleep(1000);
    const created = f.sockets.olga!.events.filter(
      (e) => e.name === 'message.created' && payload(e).text === 'Typed while offline',
    );
    expect(created).toHaveLength(1);
    const stored = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
    });
    expect(stored.body.items.filter((m: any) => m.text === 'Typed while offline')).toHaveLength(1);
    await expect.poll(() => widgetTexts(page)).toEqual([...expected, 'Typed while offline']);

    // With the panel closed an operator message is only delivered; opening the panel reads it.
    await page.getByRole('button', { name: 'Close chat window' }).click();
    const later = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/messages`, {
      headers: f.sessions.olga!.headers,
      body: { text: 'Anything else?', clientMessageId: 'op-later' },
    });
    const status = (id: string, value: string) => (e: { name: string; payload: unknown }) =>
      e.name === 'message.updated' && payload(e).id === id && payload(e).status === value;
    await f.sockets.olga!.waitFor(status(later.body.id, 'delivered'), 10_000);
    await sleep(300);
    expect(f.sockets.olga!.events.some(status(later.body.id, 'read'))).toBe(false);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await f.sockets.olga!.waitFor(status(later.body.id, 'read'), 10_000);

    // The operator ends the chat: the customer rates it.
    const ended = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
      headers: f.sessions.olga!.headers,
      body: {},
    });
    expect(ended.status).toBe(200);
    await page.getByRole('button', { name: '4 stars' }).click();
    await page.getByRole('button', { name: 'Send rating' }).click();
    await page.getByText('Thank you for your feedback.').waitFor();
    const detail = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}`, {
      headers: f.sessions.olga!.headers,
    });
    expect(detail.body.session.rating).toBe(4);

    // Escape closes the panel and gives the focus back to the launcher.
    await page.getByRole('button', { name: 'Start a new chat' }).focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Open chat' }).evaluate((b) => b.matches(':focus'))).toBe(
      true,
    );
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 90_000);

  it('without an entry form the first message starts the chat, and the customer can end it', async () => {
    await f.available('olga');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${siteUrl}/quick`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByText('Hi! Ask us anything.').waitFor();
    expect(await page.getByLabel('Your question').count()).toBe(0);
    await page.getByLabel('Message', { exact: true }).fill('Quick question');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const offer = await f.sockets.olga!.waitFor(
      (e) => e.name === 'offer.created' && payload(e).session.firstMessage === 'Quick question',
      10_000,
    );
    expect(payload(offer).session).toMatchObject({ sourceName: 'Quick chat', sourceUrl: `${siteUrl}/quick` });
    await expect.poll(() => widgetTexts(page)).toEqual(['Quick question']);
    await page.getByRole('button', { name: 'End chat' }).click();
    await page.getByRole('button', { name: '5 stars' }).waitFor();
    const detail = await call(t.url, 'GET', `/api/v1/sessions/${payload(offer).sessionId}`, {
      headers: f.sessions.supervisor!.headers,
    });
    expect(detail.body.session).toMatchObject({ state: 'ended', endedBy: 'customer' });
    await context.close();
  }, 30_000);

  it('shows a clear error for an unknown key and leaves the page working', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${siteUrl}/broken`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('This chat is not available');
    expect(await page.locator('#own').textContent()).toBe("The shop's own page");
    await page.locator('#buy').click();
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 30_000);
});
