import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebchat, type WebchatCustomer } from './webchat-client.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

describe.runIf(browserRunnable)('operator workspace in Chromium: keyboard shortcuts', () => {
  let w: WorkspaceBrowser;
  let page: Page;
  const customers: WebchatCustomer[] = [];

  beforeAll(async () => {
    w = await openWorkspaceBrowser();
    page = w.page;
    await signInOlga(w);
  }, 120_000);
  afterAll(async () => {
    customers.forEach((c) => c.close());
    await w?.close();
  });

  async function customerWrites(name: string, question: string) {
    const customer = await startWebchat(w.t.url, w.f.key, { name, question });
    await customer.connect();
    customers.push(customer);
  }
  const openSession = () => page.getByRole('region', { name: /^Session with/ });

  it('accepts, sends, moves to the next session and ends from the keyboard, and lists the shortcuts', async () => {
    // Accept: Alt+A, shown on the offer's button.
    await customerWrites('Anna', 'Is my order on its way?');
    const offer = page.getByTestId('offer');
    expect(await offer.getByRole('button', { name: /Accept/ }).getAttribute('aria-keyshortcuts')).toBe(
      'Alt+A',
    );
    await offer.locator('kbd').getByText('Alt+A').waitFor();
    await page.keyboard.press('Alt+A');
    await page.getByRole('region', { name: 'Session with Anna' }).waitFor();
    await customerWrites('Bruno', 'Can I change the address?');
    await page.getByTestId('offer').waitFor();
    await page.keyboard.press('Alt+A');
    await page.getByRole('region', { name: 'Session with Bruno' }).waitFor();

    // Send: Enter, Shift+Enter breaks the line; the Send button names its key.
    const composer = page.getByLabel('Message', { exact: true });
    const sendButton = page.getByRole('button', { name: 'Send', exact: true });
    expect(await sendButton.getAttribute('aria-keyshortcuts')).toBe('Enter');
    expect(await sendButton.getAttribute('title')).toBe('Send the message (Enter)');
    await composer.click();
    await page.keyboard.type('Yes, until it ships.');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('Which address?');
    expect(await composer.inputValue()).toBe('Yes, until it ships.\nWhich address?');
    await page.keyboard.press('Enter');
    const sent = openSession().getByTestId('message-out').filter({ hasText: 'Which address?' });
    await expect.poll(() => sent.getByTestId('message-status').textContent()).toMatch(/^(Sent|Delivered)$/);
    expect(await composer.inputValue()).toBe('');

    // Next session: Alt+N, hinted beside the list's heading; round the list and back.
    await page.getByTestId('next-hint').locator('kbd').getByText('Alt+N').waitFor();
    await page.keyboard.press('Alt+N');
    await page.getByRole('region', { name: 'Session with Anna' }).waitFor();
    await page.keyboard.press('Alt+N');
    await page.getByRole('region', { name: 'Session with Bruno' }).waitFor();

    // "?" in the composer is only a question mark; elsewhere it opens the list of shortcuts.
    await composer.press('?');
    expect(await composer.inputValue()).toBe('?');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await composer.fill('');
    await page.locator('.session-head h2').click();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    const rows = (await help.getByRole('row').allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual([
      'Alt+A Accept the oldest offer',
      'Enter Send the message',
      'Shift+Enter New line in the message',
      'Alt+N Next session in the list',
      'Alt+E End the session (wrap-up)',
      'Escape Close the dialog',
      '? Show these shortcuts',
    ]);
    await page.screenshot({ path: path.join(screenshots, 'shortcuts.png') });
    // While a dialog is open, the page's shortcuts wait: Alt+N does not switch the session behind it.
    await page.keyboard.press('Alt+N');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await page.getByRole('region', { name: 'Session with Bruno' }).waitFor();
    // The header's button opens the same list.
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await help.waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // End: Alt+E opens the wrap-up dialog (named on the End button); ending drops the session from the list.
    const end = openSession().getByRole('button', { name: 'End', exact: true });
    expect(await end.getAttribute('aria-keyshortcuts')).toBe('Alt+E');
    expect(await end.getAttribute('title')).toBe('End the session (wrap-up) (Alt+E)');
    await page.keyboard.press('Alt+E');
    const wrapup = page.getByRole('dialog', { name: 'End the session' });
    await wrapup.waitFor();
    await wrapup.getByRole('button', { name: 'End session' }).click();
    await wrapup.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('session-row').count()).toBe(1);
    await page.keyboard.press('Alt+N');
    await page.getByRole('region', { name: 'Session with Anna' }).waitFor();
    expect(await page.getByTestId('next-hint').count()).toBe(0);
    expect(w.pageErrors).toEqual([]);
  }, 90_000);
});
