import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineFixture } from './engine-setup.js';
import { call } from './factories.js';
import type { TestApp } from './harness.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

describe.runIf(browserRunnable)('operator workspace in Chromium: general settings (administrators)', () => {
  let w: WorkspaceBrowser;
  let t: TestApp;
  let f: EngineFixture;
  let page: Page;

  beforeAll(async () => {
    w = await openWorkspaceBrowser();
    ({ t, f, page } = w);
  }, 120_000);
  afterAll(() => w?.close());

  const admin = () => f.sessions.admin!.headers;
  const settings = async () =>
    (await call(t.url, 'GET', '/api/v1/tenant/settings', { headers: admin() })).body as Record<
      string,
      unknown
    >;
  const blocked = async () =>
    (await call(t.url, 'GET', '/api/v1/admin/blocked-file-types', { headers: admin() })).body as {
      extensions: string[];
      mimeTypes: string[];
    };
  const region = (name: string) => page.getByRole('region', { name, exact: true });

  it('is for administrators only: an operator sees the notice and the API refuses her', async () => {
    await signInOlga(w, '/admin/settings');
    await page.getByText('Only administrators can use the administration pages.').waitFor();
    expect(await page.getByRole('heading', { name: 'General settings' }).count()).toBe(0);
    const refused = await call(t.url, 'PATCH', '/api/v1/tenant/settings', {
      headers: f.sessions.olga!.headers,
      body: { retentionDays: 1 },
    });
    expect(refused.status).toBe(403);
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 60_000);

  it('saves the session settings, showing the server’s reason for a bad time zone', async () => {
    await signInOlga(w, '/admin/settings', f.tenant.admin.email);
    await page.getByRole('heading', { name: 'General settings', level: 1 }).waitFor();
    const sessions = region('Sessions');
    const before = await settings();
    expect(before).toMatchObject({ wrapupRequired: false, defaultGroupId: null, timezone: 'UTC' });
    expect(await sessions.getByLabel('Message sent to the customer when a session ends').inputValue()).toBe(
      before.endMessage,
    );

    await sessions.getByRole('switch', { name: /must choose a wrap-up reason/ }).check();
    await sessions.getByLabel('Message sent to the customer when a session ends').fill('Thanks, bye!');
    await sessions.getByLabel('Default group').selectOption({ label: 'Group B' });
    await sessions.getByLabel('Time zone').fill('Mars/Olympus');
    await sessions.getByRole('button', { name: 'Save session settings' }).click();
    await sessions.getByRole('alert').getByText('Unknown time zone: Mars/Olympus').waitFor();
    expect(await sessions.getByRole('status').innerText()).toBe('');
    expect(await settings()).toEqual(before);

    await sessions.getByLabel('Time zone').fill('Europe/Prague');
    await sessions.getByRole('button', { name: 'Save session settings' }).click();
    await sessions.getByRole('status').getByText('Saved').waitFor();
    expect(await sessions.getByRole('alert').count()).toBe(0);
    expect(await settings()).toMatchObject({
      wrapupRequired: true,
      endMessage: 'Thanks, bye!',
      defaultGroupId: f.tenant.groupB,
      timezone: 'Europe/Prague',
    });

    // An edit takes the note away; an empty message sends nothing (null), no default group is null too.
    await sessions.getByLabel('Message sent to the customer when a session ends').fill('');
    expect(await sessions.getByRole('status').innerText()).toBe('');
    await sessions.getByLabel('Default group').selectOption({ label: 'No default group' });
    await sessions.getByRole('button', { name: 'Save session settings' }).click();
    await sessions.getByRole('status').getByText('Saved').waitFor();
    expect(await settings()).toMatchObject({ endMessage: null, defaultGroupId: null, wrapupRequired: true });

    // What is shown after a reload is what the server keeps.
    await page.reload();
    await sessions.getByLabel('Time zone').waitFor();
    expect(await sessions.getByLabel('Time zone').inputValue()).toBe('Europe/Prague');
    expect(await sessions.getByRole('switch', { name: /must choose a wrap-up reason/ }).isChecked()).toBe(
      true,
    );
    expect(await sessions.getByLabel('Message sent to the customer when a session ends').inputValue()).toBe(
      '',
    );
  }, 90_000);

  it('edits the blocked file types, starting from the explained defaults', async () => {
    const files = region('Blocked file types');
    await files.getByText(/programs that Windows runs on a double click are blocked: \.bat, \.cmd/).waitFor();
    const extensions = files.getByRole('list', { name: 'Blocked extensions' });
    await extensions.getByText('.exe', { exact: true }).waitFor();

    await files.getByRole('button', { name: 'Remove exe' }).click();
    expect(await extensions.getByText('.exe', { exact: true }).count()).toBe(0);
    await files.getByLabel('Extension', { exact: true }).fill('not an extension');
    await files.getByRole('button', { name: 'Add', exact: true }).first().click();
    await files
      .getByRole('alert')
      .getByText(/An extension is up to 20 letters/)
      .waitFor();
    await files.getByLabel('Extension', { exact: true }).fill('.PSD');
    await files.getByLabel('Extension', { exact: true }).press('Enter');
    await extensions.getByText('.psd', { exact: true }).waitFor();
    expect(await files.getByRole('alert').count()).toBe(0);
    await files.getByLabel('MIME type', { exact: true }).fill('video/*');
    await files.getByRole('button', { name: 'Add', exact: true }).last().click();
    await files.getByRole('list', { name: 'Blocked MIME types' }).getByText('video/*').waitFor();
    // Nothing is stored before Save.
    expect((await blocked()).extensions).toContain('exe');

    await files.getByRole('button', { name: 'Save blocked file types' }).click();
    await files.getByRole('status').getByText('Saved').waitFor();
    const saved = await blocked();
    expect(saved.extensions).toContain('psd');
    expect(saved.extensions).not.toContain('exe');
    expect(saved.mimeTypes).toEqual(['application/x-msdownload', 'application/x-msi', 'video/*']);

    // A removal after saving is unsaved again; the defaults come back with one button.
    await files.getByRole('button', { name: 'Remove psd' }).click();
    expect(await files.getByRole('status').innerText()).toBe('');
    await files.getByRole('button', { name: 'Restore the defaults' }).click();
    await files.getByRole('button', { name: 'Save blocked file types' }).click();
    await files.getByRole('status').getByText('Saved').waitFor();
    expect((await blocked()).extensions).toContain('exe');
    expect((await blocked()).mimeTypes).not.toContain('video/*');
  }, 60_000);

  it('sets the retention period after a confirmation, refusing 0 days with the server’s reason', async () => {
    const retention = region('Data retention');
    await retention.getByText(/Deleted data cannot be restored/).waitFor();
    expect(await retention.getByLabel('Keep forever').isChecked()).toBe(true);

    await retention.getByLabel('Number of days').fill('0');
    expect(await retention.getByLabel('Delete ended sessions and their files after').isChecked()).toBe(true);
    await retention.getByRole('button', { name: 'Save retention period' }).click();
    await retention
      .getByRole('alert')
      .getByText(
        'Some values are not valid: The retention period must be a whole number of days from 1 to 3650',
      )
      .waitFor();
    expect((await settings()).retentionDays).toBeNull();

    await retention.getByLabel('Number of days').fill('30');
    await retention.getByRole('button', { name: 'Save retention period' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete old sessions?' });
    await confirm.getByText(/more than 30 days ago will be deleted/).waitFor();
    // Cancelled: nothing changes.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await retention.getByRole('status').innerText()).toBe('');
    expect((await settings()).retentionDays).toBeNull();

    await retention.getByRole('button', { name: 'Save retention period' }).click();
    await confirm.getByRole('button', { name: 'Delete after this period' }).click();
    await retention.getByRole('status').getByText('Saved').waitFor();
    expect(await retention.getByRole('alert').count()).toBe(0);
    expect((await settings()).retentionDays).toBe(30);
    // A longer period deletes less: no question.
    await retention.getByLabel('Number of days').fill('90');
    await retention.getByRole('button', { name: 'Save retention period' }).click();
    await retention.getByRole('status').getByText('Saved').waitFor();
    expect((await settings()).retentionDays).toBe(90);
    await page.screenshot({ path: path.join(screenshots, 'admin-settings.png') });

    // Czech, for a moment.
    await page.getByLabel('Language').selectOption('cs');
    await page.getByRole('heading', { name: 'Obecná nastavení', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Uchovávání dat' }).getByLabel('Uchovávat navždy').waitFor();
    await page.getByRole('button', { name: 'Uložit blokované typy souborů' }).waitFor();
    await page.getByLabel('Jazyk').selectOption('en');
    await page.getByRole('heading', { name: 'General settings', level: 1 }).waitFor();

    await retention.getByLabel('Keep forever').check();
    await retention.getByRole('button', { name: 'Save retention period' }).click();
    await retention.getByRole('status').getByText('Saved').waitFor();
    expect((await settings()).retentionDays).toBeNull();
    expect(w.pageErrors).toEqual([]);
    expect(w.alerts).toEqual([]);
  }, 90_000);
});
