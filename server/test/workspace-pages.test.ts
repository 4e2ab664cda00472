import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineFixture } from './engine-setup.js';
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

describe.runIf(browserRunnable)('operator workspace in Chromium: session table and contact directory', () => {
  let w: WorkspaceBrowser;
  let t: TestApp;
  let f: EngineFixture;
  let page: Page;
  const customers: WebchatCustomer[] = [];
  let karelSession: string;

  /** A customer writes and Olga accepts through the API; returns the session id. */
  async function chat(start: { name: string; question: string; email?: string }) {
    const customer = await startWebchat(t.url, f.key, start);
    await customer.connect();
    customers.push(customer);
    const offer = await f.sockets.olga!.waitFor(
      (e) => e.name === 'offer.created' && (e.payload as any).session.firstMessage === start.question,
    );
    const accepted = await call(t.url, 'POST', `/api/v1/offers/${(offer.payload as any).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });
    expect(accepted.status).toBe(200);
    return accepted.body.id as string;
  }

  beforeAll(async () => {
    w = await openWorkspaceBrowser();
    ({ t, f, page } = w);
    const admin = f.sessions.admin!.headers;
    const reason = await call(t.url, 'POST', '/api/v1/wrapup-reasons', {
      headers: admin,
      body: { name: 'Refund sorted' },
    });
    const tag = await call(t.url, 'POST', '/api/v1/tags', { headers: admin, body: { name: 'Refund' } });
    await f.available('olga');
    karelSession = await chat({ name: 'Karel Dvořák', question: 'I want a refund' });
    const ended = await call(t.url, 'POST', `/api/v1/sessions/${karelSession}/end`, {
      headers: f.sessions.olga!.headers,
      body: { wrapupReasonId: reason.body.id, note: 'Refund sent to the card.', tagIds: [tag.body.id] },
    });
    expect(ended.status).toBe(200);
    await chat({ name: 'Eva Svobodová', question: 'Do you ship to Brno?', email: 'eva@example.test' });
    // The duplicate's session has ended: two open sessions on one channel would block the merge.
    const duplicate = await chat({ name: 'Eva S.', question: 'Hello again from Eva' });
    await call(t.url, 'POST', `/api/v1/sessions/${duplicate}/end`, {
      headers: f.sessions.olga!.headers,
      body: {},
    });
    await signInOlga(w, '/sessions');
  }, 120_000);
  afterAll(async () => {
    customers.forEach((c) => c.close());
    await w?.close();
  });

  const rows = () => page.getByTestId('session-table-row');
  const rowTexts = async () => (await rows().allInnerTexts()).map((r) => r.replace(/\s+/g, ' '));

  it('searches and filters the session table, shows the detail, resumes, and shows why a resume is refused', async () => {
    await page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await expect.poll(() => rows().count()).toBe(3);
    await page.getByLabel('State').selectOption('active');
    await expect.poll(rowTexts).toEqual([expect.stringContaining('Eva Svobodová')]);
    await page.getByLabel('State').selectOption('');
    await page.getByLabel('Search', { exact: true }).fill('Eva');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await expect.poll(() => rows().count()).toBe(2);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Tag').selectOption({ label: 'Refund' });
    await expect.poll(rowTexts).toEqual([expect.stringContaining('Refund')]);
    await page.getByLabel('Channel').selectOption('whatsapp');
    await page.getByText('No sessions match').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Operator').selectOption({ label: 'Petr' });
    await page.getByText('No sessions match').waitFor();
    await page.getByLabel('Operator').selectOption({ label: 'Olga' });
    await expect.poll(() => rows().count()).toBe(3);
    const today = new Date(t.clock.now()).toLocaleDateString('en-CA');
    await page.getByLabel('From').fill(today);
    await expect.poll(() => rows().count()).toBe(3);
    await page.getByLabel('From').fill('2099-01-01');
    await page.getByText('No sessions match').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // The detail: messages, wrap-up, files.
    await rows().filter({ hasText: 'Karel Dvořák' }).getByRole('button').click();
    const detail = page.getByRole('complementary', { name: 'Session with Karel Dvořák' });
    await detail.getByTestId('timeline').getByText('I want a refund').waitFor();
    await detail.getByText('Refund sorted').waitFor();
    await detail.getByText('Refund sent to the card.').waitFor();
    await detail.getByRole('heading', { name: 'Session Files' }).waitFor();
    await page.screenshot({ path: path.join(screenshots, 'session-table.png') });

    // Resume: a new session with Karel, open in the workspace.
    await detail.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('session-row').filter({ hasText: 'Karel Dvořák' }).waitFor();
    await page.getByRole('region', { name: 'Session with Karel Dvořák' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');

    // Resuming the old one again is refused while the new one is open: the reason is shown.
    await page.getByRole('link', { name: 'Sessions' }).click();
    await rows().filter({ hasText: 'Karel Dvořák' }).filter({ hasText: 'Ended' }).getByRole('button').click();
    await detail.getByRole('button', { name: 'Resume' }).click();
    const refused = detail.getByTestId('resume-refused');
    await expect
      .poll(() => refused.textContent())
      .toMatch(/^Cannot resume: The contact already has an open session/);
    expect(await refused.textContent()).toContain('The contact has another open session on this channel');
  }, 90_000);

  it('searches the contact directory, edits a card, and (as an administrator) merges a duplicate', async () => {
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await page.getByLabel('Search', { exact: true }).fill('Eva');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    const contactRows = page.getByTestId('contact-row');
    await expect.poll(() => contactRows.count()).toBe(2);
    await contactRows.getByRole('button', { name: 'Eva Svobodová' }).click();
    const card = page.getByRole('complementary', { name: 'Contact Eva Svobodová' });
    await card.getByRole('button', { name: 'Edit' }).click();
    await card.getByLabel('Phone').fill('+420601234567');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByText('+420601234567').waitFor();
    await expect.poll(() => contactRows.filter({ hasText: '+420601234567' }).count()).toBe(1);
    // Merging is for administrators.
    expect(await card.getByRole('button', { name: 'Merge a duplicate' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInOlga(w, page.url().replace(/^https?:\/\/[^/]+/, ''), f.tenant.admin.email);
    const adminCard = page.getByRole('complementary', { name: 'Contact Eva Svobodová' });
    await adminCard.getByRole('button', { name: 'Merge a duplicate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge a duplicate into Eva Svobodová' });
    await dialog.getByLabel('Find the duplicate').fill('Eva');
    await dialog.getByRole('radio', { name: /Eva S\./ }).check();
    await dialog.getByText('Eva S. will be folded into Eva Svobodová').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'contact-merge.png') });
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => adminCard.getByText('Web chat visitor').count()).toBe(2);
    await page.getByLabel('Search', { exact: true }).fill('Eva');
    await page.getByLabel('Search', { exact: true }).press('Enter');
    await expect.poll(() => page.getByTestId('contact-row').count()).toBe(1);
    await page.screenshot({ path: path.join(screenshots, 'contacts.png') });
  }, 90_000);

  it('speaks Czech on the session table and the contact directory', async () => {
    await page.getByLabel('Language').selectOption('cs');
    await page.getByRole('heading', { name: 'Kontakty' }).waitFor();
    await page
      .getByRole('complementary', { name: 'Kontakt Eva Svobodová' })
      .getByText('Sloučit duplicitu')
      .waitFor();
    await page.getByRole('link', { name: 'Konverzace' }).click();
    await page.getByRole('heading', { name: 'Konverzace' }).waitFor();
    await expect.poll(() => rows().count()).toBeGreaterThan(0);
    await rows()
      .filter({ hasText: 'Karel Dvořák' })
      .filter({ hasText: 'Ukončeno' })
      .getByRole('button')
      .click();
    await page
      .getByRole('complementary', { name: 'Konverzace s Karel Dvořák' })
      .getByText('Obnovit')
      .waitFor();
    // Headings are shown in capitals (CSS); compare without case.
    const text = (await page.locator('body').innerText()).toLowerCase();
    for (const czech of [
      'Kanál',
      'Stav',
      'Operátor',
      'Skupina',
      'Štítek',
      'Zrušit filtry',
      'Uzavření',
      'Obnovit',
    ])
      expect(text).toContain(czech.toLowerCase());
    for (const english of ['Channel', 'State', 'Operator', 'Clear filters', 'Wrap-up', 'Resume', 'Sessions'])
      expect(text).not.toContain(english.toLowerCase());
    await page.screenshot({ path: path.join(screenshots, 'session-table-cs.png') });
    expect(w.pageErrors).toEqual([]);
  }, 60_000);
});
