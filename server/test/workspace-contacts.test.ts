import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineFixture } from './engine-setup.js';
import { call } from './factories.js';
import { upload } from './file-helpers.js';
import type { TestApp } from './harness.js';
import { startWebchat, type WebchatCustomer } from './webchat-client.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

describe.runIf(browserRunnable)('operator workspace in Chromium: erasing a contact (GDPR)', () => {
  let w: WorkspaceBrowser;
  let t: TestApp;
  let f: EngineFixture;
  let page: Page;
  const customers: WebchatCustomer[] = [];
  let janaSession: string;
  let janaFile: string;

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

  const olga = () => f.sessions.olga!.headers;
  const admin = () => f.sessions.admin!.headers;

  beforeAll(async () => {
    w = await openWorkspaceBrowser();
    ({ t, f, page } = w);
    await f.available('olga');
    // Jana's session, with a file, has ended: she may be erased. Pavel is still in an open session.
    janaSession = await chat({
      name: 'Jana Nováková',
      question: 'Please delete my data',
      email: 'jana@example.test',
    });
    const uploaded = await upload(t.url, janaSession, olga(), [
      { name: 'invoice.txt', data: 'Invoice 77 for Jana Nováková', type: 'text/plain' },
    ]);
    janaFile = uploaded.body.items[0].id;
    const sent = await call(t.url, 'POST', `/api/v1/sessions/${janaSession}/messages`, {
      headers: olga(),
      body: { text: 'Here is your last invoice', fileIds: [janaFile] },
    });
    expect(sent.status).toBe(201);
    const ended = await call(t.url, 'POST', `/api/v1/sessions/${janaSession}/end`, {
      headers: olga(),
      body: {},
    });
    expect(ended.status).toBe(200);
    await chat({ name: 'Pavel Novák', question: 'Still here' });
    await signInOlga(w, '/contacts');
  }, 120_000);
  afterAll(async () => {
    customers.forEach((c) => c.close());
    await w?.close();
  });

  const search = async (q: string) => {
    await page.getByLabel('Search', { exact: true }).fill(q);
    await page.getByLabel('Search', { exact: true }).press('Enter');
  };

  it('offers Erase to administrators only, says what goes, refuses during an open session, and erases', async () => {
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    await search('Nov');
    const rows = page.getByTestId('contact-row');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.getByRole('button', { name: 'Jana Nováková' }).click();
    const card = page.getByRole('complementary', { name: 'Contact Jana Nováková' });
    await card.getByRole('button', { name: 'Edit' }).waitFor();
    // An operator may not erase: no button (and the API refuses).
    expect(await card.getByRole('button', { name: 'Erase' }).count()).toBe(0);
    const janaId = new URL(page.url()).searchParams.get('id')!;
    expect((await call(t.url, 'DELETE', `/api/v1/contacts/${janaId}`, { headers: olga() })).status).toBe(403);

    // The administrator: Pavel is in an open session, so the dialog says so and will not erase him.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInOlga(w, '/contacts', f.tenant.admin.email);
    await search('Pavel');
    await page.getByTestId('contact-row').getByRole('button', { name: 'Pavel Novák' }).click();
    await page
      .getByRole('complementary', { name: 'Contact Pavel Novák' })
      .getByRole('button', { name: 'Erase' })
      .click();
    const refusal = page.getByRole('dialog', { name: 'Erase Pavel Novák?' });
    await refusal.getByText('The contact is in an open session: end it before erasing.').waitFor();
    expect(await refusal.getByRole('button', { name: 'Erase for good' }).isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await refusal.waitFor({ state: 'detached' });

    // Jana: the dialog lists what is erased and what stays; nothing happens until it is confirmed.
    await search('Jana');
    await page.getByTestId('contact-row').getByRole('button', { name: 'Jana Nováková' }).click();
    const adminCard = page.getByRole('complementary', { name: 'Contact Jana Nováková' });
    await adminCard.getByRole('button', { name: 'Erase' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase Jana Nováková?' });
    const text = await dialog.innerText();
    for (const line of [
      'the contact card: name, e-mail, phone, note',
      '1 identity (Web chat visitor)',
      'the messages and files of all their sessions, on every channel',
      'The sessions stay in the statistics',
      'This cannot be undone.',
    ])
      expect(text).toContain(line);
    await page.screenshot({ path: path.join(screenshots, 'contact-erase.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await call(t.url, 'GET', `/api/v1/contacts/${janaId}`, { headers: admin() })).status).toBe(200);

    await adminCard.getByRole('button', { name: 'Erase' }).click();
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    const result = page.getByRole('complementary', { name: 'Jana Nováková erased' });
    await expect
      .poll(() => result.getByTestId('erase-result').textContent())
      .toBe('Deleted: messages 4, files 1, identities 1.');
    await result.getByText('1 session kept without personal data.').waitFor();
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // Gone from the directory and the API; the session stays without her messages and file.
    await search('Jana');
    await page.getByText('No contacts match').waitFor();
    expect((await call(t.url, 'GET', `/api/v1/contacts/${janaId}`, { headers: admin() })).status).toBe(404);
    expect((await call(t.url, 'GET', `/api/v1/files/${janaFile}`, { headers: admin() })).status).toBe(404);
    const messages = await call(t.url, 'GET', `/api/v1/sessions/${janaSession}/messages`, {
      headers: admin(),
    });
    expect(messages.body.items ?? []).toEqual([]);
    await search('Pavel');
    await page.getByTestId('contact-row').getByRole('button', { name: 'Pavel Novák' }).waitFor();
    expect(w.pageErrors).toEqual([]);
  }, 90_000);
});
