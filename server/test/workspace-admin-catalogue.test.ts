import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineFixture } from './engine-setup.js';
import { activeChat } from './engine-steps.js';
import { call } from './factories.js';
import type { TestApp } from './harness.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

describe.runIf(browserRunnable)(
  'administration in Chromium: canned replies, tags and wrap-up reasons',
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
    const get = async (apiPath: string) =>
      (await call(t.url, 'GET', `/api/v1${apiPath}`, { headers: admin() })).body;
    const section = (name: string) =>
      page
        .getByRole('navigation', { name: /^(Administration|Správa)$/ })
        .getByRole('link', { name, exact: true })
        .click();
    const row = (table: string, name: string) =>
      page
        .getByRole('table', { name: table })
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name }) });

    it('tells an operator that the pages are for administrators, and the API refuses her changes', async () => {
      await signInOlga(w, '/admin/tags');
      await page.getByText('Only administrators can use the administration pages.').waitFor();
      expect(await page.getByRole('heading', { name: 'Tags', level: 1 }).count()).toBe(0);
      const refused = await call(t.url, 'POST', '/api/v1/tags', {
        headers: f.sessions.olga!.headers,
        body: { name: 'Sneaky' },
      });
      expect(refused.status).toBe(403);
      expect((await get('/tags')).items).toEqual([]);
      await page.getByRole('button', { name: 'Sign out' }).click();
    }, 60_000);

    it('adds a canned reply for a group with a live preview, refuses bad ones, searches, edits and deletes', async () => {
      await call(t.url, 'POST', '/api/v1/templates', {
        headers: admin(),
        body: { name: 'Opening hours', body: 'We are open Mon–Fri, 9–17.' },
      });
      await signInOlga(w, '/admin/templates', f.tenant.admin.email);
      await page.getByRole('heading', { name: 'Canned replies', level: 1 }).waitFor();
      await row('Canned replies', 'Opening hours').getByText('Everyone (all groups)').waitFor();

      await page.getByRole('button', { name: 'New canned reply' }).click();
      const dialog = page.getByRole('dialog', { name: 'New canned reply' });
      await dialog.getByLabel('Name', { exact: true }).fill('Greeting');
      await dialog.getByLabel('Available to', { exact: true }).selectOption({ label: 'Group Group A' });
      const preview = dialog.getByTestId('template-preview');
      // Placeholders are filled with example values as one types; markup stays text.
      await dialog
        .getByLabel('Text', { exact: true })
        .fill('Hi {{contact.fristName}}, <b>{{operator.firstName}}</b> here.');
      await preview.getByText('Hi , <b>Olga</b> here.').waitFor();
      await dialog.getByText('Not a placeholder the server knows: contact.fristName').waitFor();
      // The server refuses the unknown variable with its name; nothing is stored.
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      await dialog.getByRole('alert').getByText('Unknown template variable: contact.fristName').waitFor();
      expect((await get('/templates')).items).toHaveLength(1);

      await dialog
        .getByLabel('Text', { exact: true })
        .fill('Hi {{contact.firstName}}, <b>{{operator.firstName}}</b> here. ');
      await dialog.getByRole('button', { name: 'Insert {{contact.email}}' }).click();
      expect(await dialog.getByLabel('Text', { exact: true }).inputValue()).toBe(
        'Hi {{contact.firstName}}, <b>{{operator.firstName}}</b> here. {{contact.email}}',
      );
      await preview.getByText('Hi Jane, <b>Olga</b> here. jane.doe@example.com').waitFor();
      expect(await preview.locator('b').count()).toBe(0);
      await page.screenshot({ path: path.join(screenshots, 'admin-templates.png') });
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      await row('Canned replies', 'Greeting').getByText('Group Group A').waitFor();
      const greeting = (await get('/templates')).items.find((x: { name: string }) => x.name === 'Greeting');
      expect(greeting).toMatchObject({
        groupId: f.tenant.groupA,
        body: 'Hi {{contact.firstName}}, <b>{{operator.firstName}}</b> here. {{contact.email}}',
      });

      // A name taken in another case: the server's message, nothing stored.
      await page.getByRole('button', { name: 'New canned reply' }).click();
      await dialog.getByLabel('Name', { exact: true }).fill('opening HOURS');
      await dialog.getByLabel('Text', { exact: true }).fill('Another text');
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      await dialog.getByRole('alert').getByText('A template with this name already exists').waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect((await get('/templates')).items).toHaveLength(2);

      // The search looks at names and texts, any case.
      const search = page.getByRole('searchbox', { name: 'Search canned replies' });
      await search.fill('MON–FRI');
      await expect
        .poll(() =>
          page.getByRole('table', { name: 'Canned replies' }).getByRole('rowheader').allInnerTexts(),
        )
        .toEqual(['Opening hours']);
      await search.fill('nothing like this');
      await page.getByText('No canned reply matches “nothing like this”.').waitFor();
      await search.fill('');

      // Edit: renamed and made available to everyone.
      await row('Canned replies', 'Greeting').getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit “Greeting”' });
      expect(await edit.getByLabel('Available to', { exact: true }).inputValue()).toBe(f.tenant.groupA);
      await edit.getByLabel('Name', { exact: true }).fill('Welcome');
      await edit.getByLabel('Available to', { exact: true }).selectOption({ label: 'Everyone (all groups)' });
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'detached' });
      await row('Canned replies', 'Welcome').getByText('Everyone (all groups)').waitFor();
      expect(await get(`/templates/${greeting.id}`)).toMatchObject({ name: 'Welcome', groupId: null });

      // Delete, after a confirmation.
      await row('Canned replies', 'Welcome').getByRole('button', { name: 'Delete' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete the canned reply?' });
      await confirm
        .getByText('“Welcome” will no longer be offered to operators.', { exact: false })
        .waitFor();
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await confirm.waitFor({ state: 'detached' });
      await expect.poll(() => row('Canned replies', 'Welcome').count()).toBe(0);
      expect(
        (await call(t.url, 'GET', `/api/v1/templates/${greeting.id}`, { headers: admin() })).status,
      ).toBe(404);
      expect(w.pageErrors).toEqual([]);
      expect(w.alerts).toEqual([]);
    }, 120_000);

    it('adds a tag with a colour, refuses a duplicate, renames it without colour and deletes it', async () => {
      await section('Tags');
      await page.getByRole('heading', { name: 'Tags', level: 1 }).waitFor();
      await page.getByText('No tags yet.').waitFor();
      await page.getByRole('button', { name: 'New tag' }).click();
      const dialog = page.getByRole('dialog', { name: 'New tag' });
      await dialog.getByLabel('Name', { exact: true }).fill('VIP');
      await dialog.getByLabel('Show in a colour', { exact: true }).check();
      await dialog.getByLabel('Colour', { exact: true }).fill('#d81b60');
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      const vip = row('Tags', 'VIP');
      await vip.getByText('#d81b60').waitFor();
      expect(await vip.locator('.swatch').getAttribute('style')).toContain('rgb(216, 27, 96)');
      expect((await get('/tags')).items).toMatchObject([{ name: 'VIP', color: '#d81b60' }]);

      await page.getByRole('button', { name: 'New tag' }).click();
      await dialog.getByLabel('Name', { exact: true }).fill(' vip ');
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      await dialog.getByRole('alert').getByText('A tag with this name already exists').waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect((await get('/tags')).items).toHaveLength(1);

      await vip.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit tag “VIP”' });
      expect(await edit.getByLabel('Colour', { exact: true }).inputValue()).toBe('#d81b60');
      await edit.getByLabel('Name', { exact: true }).fill('Key account');
      await edit.getByLabel('Show in a colour', { exact: true }).uncheck();
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'detached' });
      await row('Tags', 'Key account').getByText('None').waitFor();
      const [tag] = (await get('/tags')).items;
      expect(tag).toMatchObject({ name: 'Key account', color: null });

      await row('Tags', 'Key account').getByRole('button', { name: 'Delete' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete the tag?' });
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await page.getByText('No tags yet.').waitFor();
      expect((await get('/tags')).items).toEqual([]);
    }, 60_000);

    it('adds wrap-up reasons, makes them required, and deactivates instead of deleting one a session used', async () => {
      await section('Wrap-up reasons');
      await page.getByRole('heading', { name: 'Wrap-up reasons', level: 1 }).waitFor();
      const dialog = page.getByRole('dialog', { name: 'New wrap-up reason' });
      for (const name of ['Resolved', 'Spam']) {
        await page.getByRole('button', { name: 'New reason' }).click();
        await dialog.getByLabel('Name', { exact: true }).fill(name);
        await dialog.getByRole('button', { name: 'Add', exact: true }).click();
        await dialog.waitFor({ state: 'detached' });
        await row('Wrap-up reasons', name).getByText('Active', { exact: true }).waitFor();
      }
      await page.getByRole('button', { name: 'New reason' }).click();
      await dialog.getByLabel('Name', { exact: true }).fill('RESOLVED');
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      await dialog.getByRole('alert').getByText('A wrap-up reason with this name already exists').waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      const reasons = (await get('/wrapup-reasons?includeInactive=true')).items;
      expect(reasons.map((r: { name: string }) => r.name)).toEqual(['Resolved', 'Spam']);

      // The tenant switch, saved at once.
      const required = page.getByRole('switch', {
        name: 'An operator must pick a wrap-up reason to end a session',
      });
      expect(await required.isChecked()).toBe(false);
      await required.check();
      await expect.poll(async () => (await get('/tenant/settings')).wrapupRequired).toBe(true);

      // Olga ends a session with "Resolved": deleting it then deactivates it, shown as such.
      const resolved = reasons.find((r: { name: string }) => r.name === 'Resolved');
      const { customer, sessionId } = await activeChat(t, f, 'Where is my parcel?');
      const ended = await call(t.url, 'POST', `/api/v1/sessions/${sessionId}/end`, {
        headers: f.sessions.olga!.headers,
        body: { wrapupReasonId: resolved.id },
      });
      expect(ended.status).toBe(200);
      customer.close();
      await row('Wrap-up reasons', 'Resolved').getByRole('button', { name: 'Delete' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete the wrap-up reason?' });
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await page
        .getByRole('status')
        .getByText('“Resolved” was used by sessions, so it was deactivated instead of deleted.', {
          exact: false,
        })
        .waitFor();
      await row('Wrap-up reasons', 'Resolved').getByText('Deactivated').waitFor();
      expect(await get(`/wrapup-reasons/${resolved.id}`)).toMatchObject({ name: 'Resolved', active: false });
      const offered = await call(t.url, 'GET', '/api/v1/wrapup-reasons', {
        headers: f.sessions.olga!.headers,
      });
      expect(offered.body.items.map((r: { name: string }) => r.name)).toEqual(['Spam']);

      // An unused one is deleted; a deactivated one can be brought back.
      await row('Wrap-up reasons', 'Spam').getByRole('button', { name: 'Delete' }).click();
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('status').getByText('“Spam” was deleted.').waitFor();
      await expect.poll(() => row('Wrap-up reasons', 'Spam').count()).toBe(0);
      await row('Wrap-up reasons', 'Resolved').getByRole('button', { name: 'Activate' }).click();
      await row('Wrap-up reasons', 'Resolved').getByText('Active', { exact: true }).waitFor();
      expect(await get(`/wrapup-reasons/${resolved.id}`)).toMatchObject({ active: true });

      // Switched off again after a reload: it shows what is stored.
      await page.reload();
      await required.waitFor();
      expect(await required.isChecked()).toBe(true);
      await required.uncheck();
      await expect.poll(async () => (await get('/tenant/settings')).wrapupRequired).toBe(false);
      expect(w.pageErrors).toEqual([]);
    }, 90_000);

    it('speaks Czech', async () => {
      await page.getByLabel('Language').selectOption('cs');
      await page.getByRole('heading', { name: 'Důvody ukončení', level: 1 }).waitFor();
      await page
        .getByRole('switch', { name: 'Operátor musí pro ukončení konverzace vybrat důvod' })
        .waitFor();
      await row('Důvody ukončení', 'Resolved').getByText('Aktivní', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Nový důvod' }).click();
      const dialog = page.getByRole('dialog', { name: 'Nový důvod ukončení' });
      await dialog.getByLabel('Název', { exact: true }).fill('resolved');
      await dialog.getByRole('button', { name: 'Přidat', exact: true }).click();
      await dialog.getByRole('alert').getByText('Důvod ukončení s tímto názvem už existuje').waitFor();
      await dialog.getByRole('button', { name: 'Zrušit' }).click();
      await section('Šablony odpovědí');
      await page.getByRole('button', { name: 'Nová šablona' }).click();
      const template = page.getByRole('dialog', { name: 'Nová šablona odpovědi' });
      await template.getByLabel('Text', { exact: true }).fill('Dobrý den, {{contact.firstName}}!');
      await template.getByTestId('template-preview').getByText('Dobrý den, Jana!').waitFor();
      await template.getByRole('button', { name: 'Zrušit' }).click();
      await page.getByLabel('Jazyk').selectOption('en');
      expect(w.pageErrors).toEqual([]);
    }, 60_000);
  },
);
