import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineFixture } from './engine-setup.js';
import { call } from './factories.js';
import type { TestApp } from './harness.js';
import { createTestContact } from './session-factory.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

describe.runIf(browserRunnable)(
  'operator workspace in Chromium: blacklist and API keys (administrators)',
  () => {
    let w: WorkspaceBrowser;
    let t: TestApp;
    let f: EngineFixture;
    let page: Page;

    beforeAll(async () => {
      w = await openWorkspaceBrowser();
      ({ t, f, page } = w);
    }, 120_000);
    afterAll(async () => {
      await w?.close();
    });

    const admin = () => f.sessions.admin!.headers;
    const blacklist = async () =>
      (await call(t.url, 'GET', '/api/v1/blacklist', { headers: admin() })).body.items as any[];
    const apiKeys = async () =>
      (await call(t.url, 'GET', '/api/v1/api-keys', { headers: admin() })).body.items as any[];
    const menu = () => page.getByRole('navigation', { name: 'Administration' });
    const entries = () => page.getByRole('table', { name: 'Blacklist entries' });
    /** The first cells of each row of the blacklist: customer, kind, reason. */
    const shownEntries = async () =>
      Promise.all(
        (await entries().getByTestId('blacklist-entry').all()).map(async (row) =>
          (await row.locator('td').allInnerTexts()).slice(0, 3),
        ),
      );

    it('is not offered to an operator: the API keys page says it is for administrators', async () => {
      await signInOlga(w, '/admin/api-keys');
      await page.getByText('Only administrators can use the administration pages.').waitFor();
      expect(await page.getByRole('heading', { name: 'API keys' }).count()).toBe(0);
      const refused = await call(t.url, 'GET', '/api/v1/api-keys', { headers: f.sessions.olga!.headers });
      expect(refused.status).toBe(403);
      await page.getByRole('button', { name: 'Sign out' }).click();
    }, 60_000);

    it('adds identities stored normalised, refuses what the server refuses, filters, edits and removes', async () => {
      await signInOlga(w, '/admin/blacklist', f.tenant.admin.email);
      await page.getByRole('heading', { name: 'Blacklist', level: 1 }).waitFor();
      await page.getByText('Nobody is on the blacklist.').waitFor();

      // Not a usable phone number: the server's reason, and nothing stored.
      await page.getByRole('button', { name: 'Add to blacklist' }).click();
      const form = page.getByRole('region', { name: 'Add to the blacklist' });
      await form.getByLabel('Kind').selectOption('phone');
      await form.getByLabel('Value').fill('+ -');
      await form.getByRole('button', { name: 'Add', exact: true }).click();
      await form.getByRole('alert').getByText('Not a usable phone: + -').waitFor();
      expect(await blacklist()).toEqual([]);

      // Stored as digits only, and the page says what was stored.
      await form.getByLabel('Value').fill('+420 777 123 456');
      await form.getByLabel('Reason').fill('Abusive messages');
      await form.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByRole('status').getByText('Added to the blacklist: Phone number 420777123456').waitFor();
      await form.waitFor({ state: 'detached' });
      expect(await blacklist()).toEqual([
        expect.objectContaining({
          identityKind: 'phone',
          identityValue: '420777123456',
          reason: 'Abusive messages',
          contactId: null,
        }),
      ]);

      // The same number written otherwise is the same entry: refused, nothing more stored.
      await page.getByRole('button', { name: 'Add to blacklist' }).click();
      await form.getByLabel('Value').fill('420-777-123-456');
      await form.getByRole('button', { name: 'Add', exact: true }).click();
      await form.getByRole('alert').getByText('This is already on the blacklist.').waitFor();
      expect(await blacklist()).toHaveLength(1);

      // An e-mail, in lower case; a contact of the directory added through the API shows by name.
      await form.getByLabel('Kind').selectOption('email');
      await form.getByLabel('Value').fill('Troll@Example.TEST');
      await form.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByRole('status').getByText('Added to the blacklist: E-mail troll@example.test').waitFor();
      const contact = await createTestContact(t.database, f.tenant, { name: 'Spam <b>Bot</b>' });
      const byContact = await call(t.url, 'POST', '/api/v1/blacklist', {
        headers: admin(),
        body: { contactId: contact.id, reason: 'Spam' },
      });
      expect(byContact.status).toBe(201);
      await page.reload();
      await expect.poll(shownEntries, { timeout: 10_000 }).toEqual([
        ['Spam <b>Bot</b>', 'Contact', 'Spam'],
        ['troll@example.test', 'E-mail', '—'],
        ['420777123456', 'Phone number', 'Abusive messages'],
      ]);
      // When, and by whom.
      const added = await entries().getByTestId('blacklist-entry').last().locator('td').nth(3).innerText();
      expect(added).toMatch(/\d/);
      expect(added).toContain(`by ${f.tenant.admin.name}`);
      expect(await entries().getByRole('link', { name: 'Spam <b>Bot</b>' }).getAttribute('href')).toBe(
        `/contacts?id=${contact.id}`,
      );

      // Search and kind filter, in the page.
      const filter = page.getByRole('search', { name: 'Filter the blacklist' });
      await filter.getByLabel('Search').fill('ABUSIVE');
      await expect.poll(shownEntries).toEqual([['420777123456', 'Phone number', 'Abusive messages']]);
      await filter.getByLabel('Search').fill('');
      await filter.getByLabel('Kind').selectOption('contact');
      await expect.poll(shownEntries).toEqual([['Spam <b>Bot</b>', 'Contact', 'Spam']]);
      await filter.getByLabel('Kind').selectOption('psid');
      await page.getByText('No entries match the filter.').waitFor();
      await filter.getByLabel('Kind').selectOption('');
      await page.screenshot({ path: path.join(screenshots, 'admin-blacklist.png') });

      // Edit the reason.
      await entries().getByRole('button', { name: 'Edit 420777123456' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit the entry for 420777123456' });
      await edit.getByLabel('Reason').fill('Threats to operators');
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'detached' });
      await entries().getByText('Threats to operators').waitFor();
      const phone = (await blacklist()).find((e) => e.identityKind === 'phone');
      expect(phone.reason).toBe('Threats to operators');

      // Remove, after a confirmation (Cancel keeps it).
      await entries().getByRole('button', { name: 'Remove troll@example.test' }).click();
      const remove = page.getByRole('dialog', { name: 'Remove from the blacklist?' });
      await remove.getByText('troll@example.test will be able to write in again').waitFor();
      await remove.getByRole('button', { name: 'Cancel' }).click();
      await remove.waitFor({ state: 'detached' });
      expect(await blacklist()).toHaveLength(3);
      await entries().getByRole('button', { name: 'Remove troll@example.test' }).click();
      await remove.getByRole('button', { name: 'Remove', exact: true }).click();
      await remove.waitFor({ state: 'detached' });
      await expect
        .poll(async () => (await shownEntries()).map((r) => r[0]))
        .toEqual(['Spam <b>Bot</b>', '420777123456']);
      expect((await blacklist()).map((e) => e.identityValue ?? e.contactName)).toEqual([
        'Spam <b>Bot</b>',
        '420777123456',
      ]);
      expect(w.pageErrors).toEqual([]);
      expect(w.alerts).toEqual([]);
    }, 90_000);

    it('creates an API key shown once that works until it is revoked', async () => {
      await menu().getByRole('link', { name: 'API keys' }).click();
      await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
      await page.getByText('No API keys yet.').waitFor();
      const docs = page.getByRole('link', { name: 'Interactive API documentation' });
      expect(await docs.getAttribute('href')).toBe('/api/docs');
      expect((await call(t.url, 'GET', '/api/docs')).status).toBe(200);

      // A name of spaces only: the server's reason, and no key.
      await page.getByRole('button', { name: 'Create API key' }).click();
      const form = page.getByRole('region', { name: 'Create an API key' });
      await form.getByLabel('Name').fill('   ');
      await form.getByRole('button', { name: 'Create', exact: true }).click();
      await form
        .getByRole('alert')
        .getByText('Some values are not valid: The name must not be blank')
        .waitFor();
      expect(await apiKeys()).toEqual([]);

      await form.getByLabel('Name').fill('CRM sync');
      await form.getByRole('radio', { name: /^Supervisor/ }).check();
      await form.getByRole('button', { name: 'Create', exact: true }).click();
      const panel = page.getByRole('region', { name: 'API key CRM sync' });
      await panel.getByText('Copy it now: it will not be shown again.').waitFor();
      const field = panel.getByLabel('API key');
      const key = await field.inputValue();
      expect(key).toMatch(/^sb_/);
      expect(await field.getAttribute('readonly')).not.toBeNull();
      const listed = await apiKeys();
      expect(listed).toEqual([
        expect.objectContaining({ name: 'CRM sync', role: 'supervisor', prefix: key.slice(0, 10) }),
      ]);
      expect(JSON.stringify(listed)).not.toContain(key);

      // The key shown works against the API, as a bearer token.
      // The app's clock stands still in tests: set to now, so the use is not dated before the key was made.
      t.clock.set(new Date());
      const bearer = { authorization: `Bearer ${key}` };
      expect((await call(t.url, 'GET', '/api/v1/sessions', { headers: bearer })).status).toBe(200);
      await panel.getByRole('button', { name: 'I have copied it' }).click();
      await panel.waitFor({ state: 'detached' });

      // The list: name, the key's start, role, who created it, and (after a reload) when it was last used.
      await page.reload();
      const row = page.getByTestId('api-key');
      await page.getByRole('table', { name: 'API keys' }).waitFor();
      await row.getByText('CRM sync').waitFor();
      const cells = await row.locator('td').allInnerTexts();
      expect(cells.slice(0, 3)).toEqual(['CRM sync', `${key.slice(0, 10)}…`, 'Supervisor']);
      expect(cells[3]).toContain(`by ${f.tenant.admin.name}`);
      expect(cells[4]).not.toBe('Never');
      expect(cells[4]).toMatch(/\d/);
      expect(await page.getByText(key).count()).toBe(0);
      await page.screenshot({ path: path.join(screenshots, 'admin-api-keys.png') });

      // Czech, for a moment.
      await page.getByLabel('Language').selectOption('cs');
      await page.getByRole('heading', { name: 'API klíče', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Vytvořit API klíč' }).waitFor();
      await row.getByRole('button', { name: 'Zneplatnit CRM sync' }).waitFor();
      await page.getByLabel('Jazyk').selectOption('en');

      // Revoke, after a confirmation: the key is refused from then on.
      await row.getByRole('button', { name: 'Revoke CRM sync' }).click();
      const revoke = page.getByRole('dialog', { name: 'Revoke the API key?' });
      await revoke.getByText('Integrations using CRM sync').waitFor();
      await revoke.getByRole('button', { name: 'Revoke', exact: true }).click();
      await page.getByText('No API keys yet.').waitFor();
      expect(await apiKeys()).toEqual([]);
      const refused = await call(t.url, 'GET', '/api/v1/sessions', { headers: bearer });
      expect(refused.status).toBe(401);
      expect(w.pageErrors).toEqual([]);
      expect(w.alerts).toEqual([]);
    }, 90_000);
  },
);
