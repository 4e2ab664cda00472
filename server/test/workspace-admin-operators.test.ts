import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineFixture } from './engine-setup.js';
import { call, logIn, PASSWORD } from './factories.js';
import type { TestApp } from './harness.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

describe.runIf(browserRunnable)('operator workspace in Chromium: operators (administrators)', () => {
  let w: WorkspaceBrowser;
  let t: TestApp;
  let f: EngineFixture;
  let page: Page;
  let nina: string;

  beforeAll(async () => {
    w = await openWorkspaceBrowser();
    ({ t, f, page } = w);
    nina = `nina-${f.tenant.id.slice(0, 8)}@example.test`;
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  const admin = () => f.sessions.admin!.headers;
  const table = () => page.getByRole('table', { name: 'Operators' });
  const row = (text: string) => table().getByRole('row').filter({ hasText: text });
  const operators = async () =>
    (await call(t.url, 'GET', '/api/v1/operators', { headers: admin() })).body.items as Array<
      Record<string, any>
    >;
  const operator = async (email: string) => (await operators()).find((o) => o.email === email);
  const login = (email: string, password: string) =>
    call(t.url, 'POST', '/api/v1/auth/login', { body: { email, password } });

  it('is not for operators: the page says so and the API refuses', async () => {
    await signInOlga(w, '/admin/operators');
    await page.getByText('Only administrators can use the administration pages.').waitFor();
    expect(await page.getByRole('table', { name: 'Operators' }).count()).toBe(0);
    const refused = await call(t.url, 'PUT', `/api/v1/operators/${f.tenant.operators[1]!.id}/password`, {
      headers: f.sessions.olga!.headers,
      body: { password: 'olga wants in' },
    });
    expect(refused.status).toBe(403);
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 60_000);

  it('lists the operators and invites one into a group; the server’s refusals are shown and create nothing', async () => {
    await signInOlga(w, '/admin/operators', f.tenant.admin.email);
    await page.getByRole('heading', { name: 'Operators', level: 1 }).waitFor();
    await row('Olga').waitFor();
    expect(await table().getByRole('row').count()).toBe(5);
    const olga = await row('Olga').locator('td').allInnerTexts();
    expect(olga.slice(0, 6)).toEqual([
      f.tenant.operators[0]!.email,
      'Operator',
      'Group A',
      '3',
      expect.stringMatching(/^(Available|Offline)$/),
      'Active',
    ]);
    const self = await row('Admin').locator('td').allInnerTexts();
    expect(self.slice(0, 6)).toEqual([
      f.tenant.admin.email,
      'Administrator',
      'No group',
      '3',
      'Available',
      'Active',
    ]);
    await row('Admin').getByText('(you)').waitFor();

    // The filter.
    await page.getByLabel('Search by name or e-mail').fill('petr');
    await expect.poll(() => table().getByRole('row').count()).toBe(2);
    await page.getByLabel('Search by name or e-mail').fill('');

    await page.getByRole('button', { name: 'Invite operator' }).click();
    const form = page.getByRole('region', { name: 'Invite an operator' });
    await form.getByLabel('Name').fill('Nina Nováková');
    await form.getByLabel('E-mail').fill(nina);
    await form.getByLabel('Role').selectOption('supervisor');
    await form.getByLabel('Capacity (sessions at once)').fill('5');
    await form.getByLabel('Group A').check();
    await form.getByLabel('Initial password').fill('short');
    await form.getByRole('button', { name: 'Invite', exact: true }).click();
    await form
      .getByRole('alert')
      .getByText('Some values are not valid: The password must be at least 10 characters long')
      .waitFor();
    expect(await operator(nina)).toBeUndefined();

    // An e-mail already taken: the server's own words.
    await form.getByLabel('Initial password').fill('nina starts today');
    await form.getByLabel('E-mail').fill(f.tenant.operators[0]!.email);
    await form.getByRole('button', { name: 'Invite', exact: true }).click();
    await form.getByRole('alert').getByText('A user with this e-mail already exists').waitFor();
    expect(await operators()).toHaveLength(4);

    await form.getByLabel('E-mail').fill(nina);
    await form.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByRole('status').getByText('Nina Nováková was invited and can sign in now.').waitFor();
    await form.waitFor({ state: 'detached' });
    await row(nina).getByRole('list', { name: 'Groups of Nina Nováková' }).getByText('Group A').waitFor();
    expect(await row(nina).locator('td').nth(1).innerText()).toBe('Supervisor');
    const invited = await operator(nina);
    expect(invited).toMatchObject({
      name: 'Nina Nováková',
      role: 'supervisor',
      capacity: 5,
      active: true,
      groupIds: [f.tenant.groupA],
    });
    const groups = (await call(t.url, 'GET', '/api/v1/groups', { headers: admin() })).body.items;
    const groupA = groups.find((g: { id: string }) => g.id === f.tenant.groupA);
    expect([...groupA.memberIds].sort()).toEqual(
      [f.tenant.supervisor.id, f.tenant.operators[0]!.id, invited!.id].sort(),
    );
    expect((await login(nina, 'nina starts today')).status).toBe(200);
    await page.screenshot({ path: path.join(screenshots, 'admin-operators.png') });
    expect(w.pageErrors).toEqual([]);
  }, 90_000);

  it('edits role, capacity, language and groups; an administrator’s own role is not offered', async () => {
    await row(nina).getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Nina Nováková' });
    await edit.getByLabel('Role').selectOption('operator');
    await edit.getByLabel('Capacity (sessions at once)').fill('2');
    await edit.getByLabel('Language').selectOption('cs');
    await edit.getByLabel('Group A').uncheck();
    await edit.getByLabel('Group B').check();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await row(nina).getByRole('list', { name: 'Groups of Nina Nováková' }).getByText('Group B').waitFor();
    expect(await operator(nina)).toMatchObject({
      role: 'operator',
      capacity: 2,
      language: 'cs',
      groupIds: [f.tenant.groupB],
    });
    expect(await row(nina).locator('td').allInnerTexts()).toEqual(
      expect.arrayContaining(['Operator', 'Group B', '2']),
    );
    // The other members of the groups stay.
    expect((await operator(f.tenant.operators[0]!.email))!.groupIds).toEqual([f.tenant.groupA]);
    expect((await operator(f.tenant.operators[1]!.email))!.groupIds).toEqual([f.tenant.groupB]);

    await row('Admin').getByRole('button', { name: 'Edit' }).click();
    const own = page.getByRole('dialog', { name: 'Edit Admin' });
    expect(await own.getByLabel('Role').isDisabled()).toBe(true);
    await own.getByText('You cannot change your own role.').waitFor();
    await own.getByRole('button', { name: 'Cancel' }).click();
    expect(await row('Admin').getByRole('button', { name: 'Deactivate' }).count()).toBe(0);
  }, 60_000);

  it('deactivates after a confirmation: shown as deactivated, and the operator can no longer sign in', async () => {
    await row(nina).getByRole('button', { name: 'Deactivate' }).click();
    const confirm = page.getByRole('dialog', { name: 'Deactivate Nina Nováková?' });
    await confirm.getByText('They can no longer sign in').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await operator(nina))!.active).toBe(true);

    // Nina is at work in another browser: once deactivated, her page goes back to the sign-in form at once.
    const ninaPage = await w.browser.newPage();
    await ninaPage.goto(w.t.url.replace('127.0.0.1', 'localhost'));
    await ninaPage.locator('input[type="email"]').fill(nina);
    await ninaPage.locator('input[type="password"]').fill('nina starts today');
    await ninaPage.locator('form button[type="submit"]').click();
    await ninaPage
      .getByTestId('connection')
      .getByText(/Connected|Připojeno/)
      .waitFor();

    await row(nina).getByRole('button', { name: 'Deactivate' }).click();
    await confirm.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('status').getByText('Nina Nováková was deactivated.').waitFor();
    await ninaPage.locator('input[type="email"]').waitFor();
    await ninaPage.close();
    await row(nina).waitFor({ state: 'detached' });
    await page.getByLabel('Show deactivated (1)').check();
    await row(nina).getByText('Deactivated', { exact: true }).waitFor();
    expect((await operator(nina))!.active).toBe(false);
    expect((await login(nina, 'nina starts today')).status).toBe(401);

    await row(nina).getByRole('button', { name: 'Reactivate' }).click();
    await page
      .getByRole('dialog', { name: 'Reactivate Nina Nováková?' })
      .getByRole('button', { name: 'Reactivate' })
      .click();
    await row(nina).getByText('Active', { exact: true }).waitFor();
    expect((await operator(nina))!.active).toBe(true);
  }, 60_000);

  it('sets a new password: the rule is shown when refused, then only the new one signs in', async () => {
    const petr = f.tenant.operators[1]!;
    await row('Petr').getByRole('button', { name: 'Set password' }).click();
    const dialog = page.getByRole('dialog', { name: 'New password for Petr' });
    await dialog.getByLabel('New password').fill('tooshort');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await dialog.getByRole('alert').getByText('The password must be at least 10 characters long').waitFor();
    expect((await login(petr.email, PASSWORD)).status).toBe(200);

    await dialog.getByLabel('New password').fill('petr forgot it again');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('status').getByText('A new password was set for Petr.').waitFor();
    expect((await login(petr.email, 'petr forgot it again')).status).toBe(200);
    expect((await login(petr.email, PASSWORD)).status).toBe(401);
    // Petr's session from before is signed out; the administrator's is not.
    expect((await call(t.url, 'GET', '/api/v1/auth/me', { headers: f.sessions.petr!.headers })).status).toBe(
      401,
    );
    expect((await call(t.url, 'GET', '/api/v1/auth/me', { headers: admin() })).status).toBe(200);

    // The administrator's own new password: their other sign-ins end, this page stays signed in and connected,
    // and goes on receiving changes live (Petr going away shows without a reload).
    await row('Admin').getByRole('button', { name: 'Set password' }).click();
    const own = page.getByRole('dialog', { name: 'New password for Admin' });
    await own.getByLabel('New password').fill('admin changed it today');
    await own.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('status').getByText('A new password was set for Admin.').waitFor();
    await page.getByTestId('connection').getByText('Connected').waitFor();
    const again = await logIn(t.url, { email: petr.email }, 'petr forgot it again');
    await call(t.url, 'PUT', `/api/v1/operators/${petr.id}/presence`, {
      headers: again.headers,
      body: { status: 'away', awayReason: 'Lunch' },
    });
    await row('Petr').getByText('Away').waitFor();

    // Czech, for a moment.
    await page.getByLabel('Language').selectOption('cs');
    await page.getByRole('heading', { name: 'Operátoři', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Pozvat operátora' }).waitFor();
    const cs = page.getByRole('table', { name: 'Operátoři' }).getByRole('row').filter({ hasText: 'Petr' });
    await cs.getByRole('button', { name: 'Nastavit heslo' }).waitFor();
    await cs.getByText('Operátor', { exact: true }).waitFor();
    // The server's refusal in the page's language: it says which value is taken, the page says it in Czech.
    await page.getByRole('button', { name: 'Pozvat operátora' }).click();
    const invite = page.getByRole('region', { name: 'Pozvat operátora' });
    await invite.getByLabel('Jméno').fill('Petr Znovu');
    await invite.getByLabel('E-mail').fill(petr.email);
    await invite.getByLabel('Úvodní heslo').fill('petr is here already');
    await invite.getByRole('button', { name: 'Pozvat', exact: true }).click();
    await invite.getByRole('alert').getByText('Uživatel s tímto e-mailem už existuje').waitFor();
    await page.getByLabel('Jazyk').selectOption('en');
    await page.getByRole('heading', { name: 'Operators', level: 1 }).waitFor();
    expect(w.pageErrors).toEqual([]);
    expect(w.alerts).toEqual([]);
  }, 60_000);
});
