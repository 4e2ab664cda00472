import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineFixture } from './engine-setup.js';
import { call, PASSWORD } from './factories.js';
import type { TestApp } from './harness.js';
import { startWebchat } from './webchat-client.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  type WorkspaceBrowser,
} from './workspace-browser.js';

describe.runIf(browserRunnable)('operator workspace in Chromium: a chat from offer to wrap-up', () => {
  let w: WorkspaceBrowser;
  let t: TestApp;
  let f: EngineFixture;
  let page: Page;
  let alerts: string[];
  let pageErrors: string[];
  beforeAll(async () => {
    w = await openWorkspaceBrowser();
    ({ t, f, page, alerts, pageErrors } = w);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  const admin = () => f.sessions.admin!.headers;
  const olga = () => f.sessions.olga!.headers;
  const timeline = () => page.getByTestId('timeline');

  it('signs in and goes available', async () => {
    // Opened as localhost: the socket accepts the loopback spellings of the public URL.
    await page.goto(t.url.replace('127.0.0.1', 'localhost'));
    await page.getByLabel('E-mail').fill(f.tenant.operators[0]!.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong e-mail or password');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('connection').getByText('Connected', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Available', exact: true }).click();
    await expect
      .poll(async () => {
        const operators = await call(t.url, 'GET', '/api/v1/operators', { headers: olga() });
        return operators.body.items.find((o: any) => o.name === 'Olga').presence;
      })
      .toBe('available');
  }, 60_000);

  it('offers, accepts with Alt+A, shows customer text as text, replies, and shows the read receipt', async () => {
    const template = await call(t.url, 'POST', '/api/v1/templates', {
      headers: admin(),
      body: { name: 'Greeting', body: 'Hello {{contact.name}}, this is {{operator.name}}.' },
    });
    expect(template.status).toBe(201);
    const hostile = '<img src=x onerror=alert(1)> Hi 👋';
    const customer = await startWebchat(t.url, f.key, {
      question: hostile,
      name: 'Jana Nováková',
      pageUrl: 'https://shop.example/cart',
    });
    await customer.connect();

    const offer = page.getByTestId('offer');
    await offer.waitFor();
    expect(await offer.getByTestId('offer-group').textContent()).toBe('Group A');
    expect(await offer.getByTestId('offer-source').textContent()).toBe('https://shop.example/cart');
    expect(await offer.getByTestId('offer-contact').textContent()).toBe('Jana Nováková');
    expect(await offer.getByTestId('offer-message').textContent()).toBe(hostile);
    expect(await offer.locator('img').count()).toBe(0);
    const timer = offer.getByTestId('elapsed');
    const before = await timer.textContent();
    expect(before).toMatch(/^\d+:\d\d$/);
    await expect.poll(() => timer.textContent(), { timeout: 3000 }).not.toBe(before);
    await page.screenshot({ path: path.join(screenshots, 'offer.png') });

    await page.keyboard.press('Alt+A');
    await offer.waitFor({ state: 'detached' });
    await page.getByTestId('session-row').first().waitFor();
    const inbound = timeline().getByTestId('message-in');
    await inbound.first().waitFor();
    expect(await inbound.first().textContent()).toContain(hostile);
    expect(await timeline().locator('img').count()).toBe(0);

    // Enter sends; Shift+Enter would only break the line.
    const composer = page.getByLabel('Message', { exact: true });
    // A template is filled for this session and lands in the composer; so does an emoji from the picker.
    await page.getByRole('button', { name: 'Templates' }).click();
    await page.getByRole('button', { name: /Greeting/ }).click();
    await expect.poll(() => composer.inputValue()).toBe('Hello Jana Nováková, this is Olga.');
    await page.getByRole('button', { name: /Emoji/ }).click();
    await page.getByLabel('Search emoji').fill('thumbs up');
    await page.locator('[aria-label="thumbs up"]').first().click();
    await expect.poll(() => composer.inputValue()).toBe('Hello Jana Nováková, this is Olga.👍');
    await page.getByRole('button', { name: /Emoji/ }).click();

    await composer.fill('Hello Jana, how can I help? Our guide: https://example.com/help');
    await composer.press('Enter');
    const received = await customer.waitFor(
      (e) => e.name === 'visitor.message' && /how can I help/.test((e.payload as any).text ?? ''),
    );
    const link = timeline().getByRole('link', { name: 'https://example.com/help' });
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await composer.inputValue()).toBe('');

    // The open, visible session marks the customer's message read; typing shows both ways.
    await customer.waitFor(
      (e) =>
        e.name === 'visitor.message.updated' &&
        (e.payload as any).direction === 'in' &&
        (e.payload as any).status === 'read',
    );
    await expect
      .poll(() => customer.ephemeral.some((e) => e.name === 'typing' && e.payload.typing === true))
      .toBe(true);
    await customer.request('POST', '/typing', { typing: true });
    await timeline().getByText('The customer is typing…').waitFor();
    // The session's event carries what the composer may send: a customer's message is shown without the
    // workspace reading the session again.
    const sessionReads: string[] = [];
    const countSessionReads = (request: Request) => {
      const { pathname } = new URL(request.url());
      if (request.method() === 'GET' && /^\/api\/v1\/sessions\/[0-9a-f-]{36}$/.test(pathname))
        sessionReads.push(pathname);
    };
    page.on('request', countSessionReads);
    await customer.send('Thanks! And the delivery?');
    await timeline().getByText('Thanks! And the delivery?').waitFor();
    expect(await timeline().getByText('The customer is typing…').count()).toBe(0);
    await customer.waitFor(
      (e) =>
        e.name === 'visitor.message.updated' &&
        (e.payload as any).text === 'Thanks! And the delivery?' &&
        (e.payload as any).status === 'read',
    );
    page.off('request', countSessionReads);
    expect(sessionReads).toEqual([]);

    const receipt = await customer.request('POST', '/receipts', {
      status: 'read',
      upToMessageId: (received.payload as any).id,
    });
    expect(receipt.status).toBe(200);
    const status = timeline().getByTestId('message-out').last().getByTestId('message-status');
    await expect.poll(() => status.textContent()).toBe('Read');

    // Reply to (quote) the customer's question.
    await inbound.last().getByRole('button', { name: 'Reply' }).click();
    await composer.fill('It ships tomorrow.');
    await composer.press('Enter');
    const quoted = timeline().getByTestId('message-out').last();
    await quoted.getByText('It ships tomorrow.').waitFor();
    expect(await quoted.locator('.quote').textContent()).toBe('Thanks! And the delivery?');

    // The contact card is editable in place.
    const panel = page.getByRole('complementary', { name: 'Contact' });
    await panel.getByRole('button', { name: 'Edit' }).click();
    await panel.getByLabel('E-mail').fill('jana@example.test');
    await panel.getByLabel('Note').fill('Prefers e-mail');
    await panel.getByRole('button', { name: 'Save' }).click();
    await panel.getByText('jana@example.test').waitFor();
    await panel.getByRole('heading', { name: 'Previous sessions' }).waitFor();
    await page.screenshot({ path: path.join(screenshots, 'workspace.png') });
    expect(alerts).toEqual([]);
    customer.close();
  }, 60_000);

  it('transfers to group B from the dialog; Escape closes it and gives the focus back', async () => {
    const sessionId = (
      await call(t.url, 'GET', '/api/v1/sessions?mine=true&state=active', { headers: olga() })
    ).body.items[0].id;
    const open = page.getByRole('button', { name: 'Transfer', exact: true });
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'Transfer the session' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Refresh' }).click();
    await dialog.getByRole('cell', { name: 'Petr', exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await open.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    await open.click();
    await dialog.getByRole('button', { name: 'Transfer to Group B' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('session-row').count()).toBe(0);
    const moved = await call(t.url, 'GET', `/api/v1/sessions?groupId=${f.tenant.groupB}`, {
      headers: admin(),
    });
    expect(moved.body.items.map((s: any) => s.id)).toContain(sessionId);
  }, 60_000);

  it('ends a session through the wrap-up dialog with a reason from the searchable list', async () => {
    for (const name of ['Question answered', 'Refund sorted', 'Wrong number'])
      expect(
        (await call(t.url, 'POST', '/api/v1/wrapup-reasons', { headers: admin(), body: { name } })).status,
      ).toBe(201);
    await call(t.url, 'PATCH', '/api/v1/tenant/settings', {
      headers: admin(),
      body: { wrapupRequired: true },
    });

    const customer = await startWebchat(t.url, f.key, { question: 'I want a refund', name: 'Karel' });
    await customer.connect();
    const offer = page.getByTestId('offer');
    await offer.getByRole('button', { name: /Accept/ }).click();
    await page.getByTestId('session-row').first().waitFor();
    await timeline().getByText('I want a refund').waitFor();

    // Tags from the dialog.
    const tag = await call(t.url, 'POST', '/api/v1/tags', {
      headers: admin(),
      body: { name: 'Refund', color: '#c62828' },
    });
    expect(tag.status).toBe(201);
    await page.getByRole('button', { name: 'Tags', exact: true }).click();
    const tagsDialog = page.getByRole('dialog', { name: 'Tags' });
    await tagsDialog.getByLabel('Refund').check();
    await tagsDialog.getByRole('button', { name: 'Save' }).click();
    await tagsDialog.waitFor({ state: 'detached' });
    const sessionId = (
      await call(t.url, 'GET', '/api/v1/sessions?mine=true&state=active', { headers: olga() })
    ).body.items[0].id;
    const tagged = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}/tags`, { headers: olga() });
    expect(tagged.body.items.map((x: any) => x.name)).toEqual(['Refund']);

    // Conference: Petr joins, then the owner ends the conference.
    await f.available('petr');
    await page.getByRole('button', { name: 'Conference', exact: true }).click();
    const conference = page.getByRole('dialog', { name: 'Conference: add an operator' });
    await conference.getByRole('button', { name: 'Add Petr to the conversation' }).click();
    await conference.waitFor({ state: 'detached' });
    const invitation = await f.sockets.petr!.waitFor(
      (e) => e.name === 'offer.created' && (e.payload as any).kind === 'conference',
    );
    const joined = await call(t.url, 'POST', `/api/v1/offers/${(invitation.payload as any).id}/accept`, {
      headers: f.sessions.petr!.headers,
    });
    expect(joined.status).toBe(200);
    await page.getByText('with Olga, Petr').waitFor();
    await page.getByRole('button', { name: 'End conference' }).click();
    await page.getByText('with Olga, Petr').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'End', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'End the session' });
    await dialog.getByRole('radio').first().waitFor();
    // The reason is required here: ending without one is refused before it reaches the server.
    await dialog.getByRole('button', { name: 'End session' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toBe('Choose a wrap-up reason to end the session');

    await dialog.getByLabel('Search reasons').fill('refund');
    await expect.poll(() => dialog.getByRole('radio').count()).toBe(1);
    await dialog.getByRole('radio', { name: 'Refund sorted' }).check();
    await dialog.getByLabel('Note').fill('Refund sent to the card.');
    expect(await dialog.getByLabel('Refund', { exact: true }).isChecked()).toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'wrap-up.png') });
    await dialog.getByRole('button', { name: 'End session' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('session-row').count()).toBe(0);

    const ended = await call(t.url, 'GET', '/api/v1/sessions?state=ended', { headers: admin() });
    const session = ended.body.items.find((s: any) => s.firstMessage === 'I want a refund');
    expect(session).toMatchObject({ state: 'ended', wrapupNote: 'Refund sent to the card.' });
    expect(session.wrapupReasonId).toBeTruthy();
    expect(pageErrors).toEqual([]);
    customer.close();
  }, 60_000);
});
