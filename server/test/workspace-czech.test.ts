import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineFixture } from './engine-setup.js';
import { activeChat } from './engine-steps.js';
import { call } from './factories.js';
import type { TestApp } from './harness.js';
import { startWebchat, type WebchatCustomer } from './webchat-client.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

describe.runIf(browserRunnable)('operator workspace in Chromium: Czech, history, unread, RONA', () => {
  let w: WorkspaceBrowser;
  let t: TestApp;
  let f: EngineFixture;
  let page: Page;
  let alerts: string[];
  let pageErrors: string[];
  let karel: WebchatCustomer;

  beforeAll(async () => {
    w = await openWorkspaceBrowser();
    ({ t, f, page, alerts, pageErrors } = w);
    // Karel's earlier session, ended with a note: the history the contact panel shows.
    const earlier = await activeChat(t, f, 'I want a refund');
    karel = earlier.customer;
    const ended = await call(t.url, 'POST', `/api/v1/sessions/${earlier.sessionId}/end`, {
      headers: f.sessions.olga!.headers,
      body: { note: 'Refund sent to the card.' },
    });
    expect(ended.status).toBe(200);
    await signInOlga(w);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  const olga = () => f.sessions.olga!.headers;
  const timeline = () => page.getByTestId('timeline');

  it('speaks Czech after the switch', async () => {
    await page.getByLabel('Language').selectOption('cs');
    await page.getByRole('heading', { name: 'Moje konverzace' }).waitFor();
    const customer = await startWebchat(t.url, f.key, { question: 'Dobrý den, mám dotaz', name: 'Eva' });
    await customer.connect();
    const offer = page.getByTestId('offer');
    await offer.getByRole('button', { name: /Přijmout/ }).waitFor();
    await page.keyboard.press('Alt+A');
    await timeline().getByText('Dobrý den, mám dotaz').waitFor();
    await page.getByLabel('Zpráva', { exact: true }).fill('Dobrý den, jak vám mohu pomoci?');
    await page.getByLabel('Zpráva', { exact: true }).press('Enter');
    await timeline().getByText('Odesláno').or(timeline().getByText('Doručeno')).first().waitFor();

    // Karel writes again: a new session for the same contact, its history readable in the panel.
    await karel.send('Zase já, ohledně vrácení peněz');
    await page
      .getByTestId('offer')
      .getByRole('button', { name: /Přijmout/ })
      .waitFor();
    await page.keyboard.press('Alt+A');
    await timeline().getByText('Zase já, ohledně vrácení peněz').waitFor();
    // The list's last message is the system one, in Czech (from the live event, then from the server).
    const karelRow = page.getByTestId('session-row').filter({ hasNotText: 'Eva' });
    await karelRow.getByText('Olga se připojil(a) ke konverzaci.').waitFor();
    const panel = page.getByRole('complementary', { name: 'Kontakt' });
    await panel
      .getByText(/Website/)
      .first()
      .click();
    await panel.getByText('I want a refund').waitFor();
    await panel.getByText('Refund sent to the card.').waitFor();

    // Eva writes while Karel's session is open: her row counts the unread message; Alt+N opens it.
    await customer.send('Ještě jedna otázka');
    const evaRow = page.getByTestId('session-row').filter({ hasText: 'Eva' });
    await expect.poll(() => evaRow.locator('.badge').textContent()).toBe('1');
    expect(await evaRow.locator('.badge').getAttribute('aria-label')).toBe('1 nepřečtená zpráva');
    await page.keyboard.press('Alt+N');
    await timeline().getByText('Ještě jedna otázka').waitFor();
    expect(await evaRow.locator('.badge').count()).toBe(0);

    const text = await page.locator('body').innerText();
    for (const czech of [
      'Moje konverzace',
      'Odhlásit se',
      'Dostupný',
      'Předat',
      'Ukončit',
      'Kontakt',
      'Odeslat',
    ])
      expect(text).toContain(czech);
    for (const english of [
      'My sessions',
      'Sign out',
      'Transfer',
      'Contact',
      'Send',
      'Templates',
      'joined the',
    ])
      expect(text).not.toContain(english);
    await page.screenshot({ path: path.join(screenshots, 'workspace-cs.png') });
    await page.reload();
    await karelRow.getByText('Olga se připojil(a) ke konverzaci.').waitFor();
    expect(await page.locator('.session-list').innerText()).not.toContain('joined');
    expect(alerts).toEqual([]);
    expect(pageErrors).toEqual([]);
    customer.close();
    karel.close();
  }, 60_000);

  it('shows the RONA banner after a missed offer, and "Set available" clears it', async () => {
    const customer = await startWebchat(t.url, f.key, { question: 'Je tam někdo?', name: 'Tomáš' });
    await customer.connect();
    const offer = page.getByTestId('offer');
    await offer.waitFor();
    const pending = await call(t.url, 'GET', '/api/v1/offers', { headers: olga() });
    const expiresAt = new Date(pending.body.items[0].expiresAt).getTime();
    await t.advance(expiresAt - t.clock.now().getTime() + 1000);

    const banner = page.locator('.rona-banner');
    await banner.waitFor({ timeout: 15_000 });
    await offer.waitFor({ state: 'detached' });
    await banner.getByRole('button', { name: 'Nastavit dostupný' }).click();
    await banner.waitFor({ state: 'detached' });
    await expect
      .poll(async () => {
        const operators = await call(t.url, 'GET', '/api/v1/operators', { headers: olga() });
        return operators.body.items.find((o: any) => o.name === 'Olga').presence;
      })
      .toBe('available');
    customer.close();
  }, 60_000);
});
