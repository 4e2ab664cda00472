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

describe.runIf(browserRunnable)('administration in Chromium: groups and routing rules', () => {
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
  const groupNamed = async (name: string) =>
    (await get('/groups')).items.find((g: { name: string }) => g.name === name);
  const section = (name: string) =>
    page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name, exact: true }).click();
  const groupRow = (name: string) =>
    page
      .getByRole('table', { name: 'Groups' })
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  const rules = () => page.getByRole('list', { name: 'Routing rules' }).getByRole('listitem');

  it('tells an operator that the pages are for administrators, and the API refuses her', async () => {
    await signInOlga(w, '/admin/groups');
    await page.getByText('Only administrators can use the administration pages.').waitFor();
    expect(await page.getByRole('heading', { name: 'Groups', level: 1 }).count()).toBe(0);
    const olga = f.sessions.olga!.headers;
    expect((await call(t.url, 'GET', '/api/v1/routing-rules', { headers: olga })).status).toBe(403);
    const sneaky = await call(t.url, 'POST', '/api/v1/groups', { headers: olga, body: { name: 'Sneaky' } });
    expect(sneaky.status).toBe(403);
    expect(await groupNamed('Sneaky')).toBeUndefined();
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 60_000);

  it('adds groups, sets members with a capacity, makes one the default, and shows a refused timeout', async () => {
    await signInOlga(w, '/admin/groups', f.tenant.admin.email);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await groupRow('Group A').waitFor();

    // Sales: whole group, 45 s, sticky, with an offline message; the choices are explained in the form.
    await page.getByRole('button', { name: 'Add group' }).click();
    let dialog = page.getByRole('dialog', { name: 'Add a group' });
    await dialog.getByText('the first to accept gets it').waitFor();
    await dialog.getByText('redirected on no answer').waitFor();
    await dialog.getByLabel('Name').fill('Sales');
    await dialog.getByLabel('Whole group').check();
    await dialog.getByLabel('Offer timeout (seconds)').fill('45');
    await dialog.getByLabel('Sticky routing').check();
    await dialog.getByLabel('Offline message').fill('We are closed, <b>back</b> at 8.');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await groupRow('Sales').locator('td').allInnerTexts()).toEqual([
      'Whole group\nSticky routing on',
      '45 seconds',
      '0 members',
      'Make default',
      expect.stringContaining('Edit'),
    ]);
    const sales = await groupNamed('Sales');
    expect(sales).toMatchObject({
      routingMode: 'whole_group',
      offerTimeoutSeconds: 45,
      sticky: true,
      offlineMessage: 'We are closed, <b>back</b> at 8.',
    });

    // Support: the defaults. A name taken is refused, and the page says so.
    await page.getByRole('button', { name: 'Add group' }).click();
    dialog = page.getByRole('dialog', { name: 'Add a group' });
    await dialog.getByLabel('Name').fill('Sales');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.getByRole('alert').getByText('This name is already taken').waitFor();
    await dialog.getByLabel('Name').fill('Support');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await groupRow('Support').getByText('By utilisation').waitFor();
    const support = await groupNamed('Support');
    expect(support).toMatchObject({ routingMode: 'utilisation', offerTimeoutSeconds: 30, sticky: false });

    // Members of Sales: Olga with 5 sessions in this group, Petr with his own capacity.
    await groupRow('Sales').getByRole('button', { name: '0 members' }).click();
    const members = page.getByRole('complementary', { name: 'Members of Sales' });
    await members.getByLabel('Olga', { exact: true }).check();
    await members.getByLabel('Petr', { exact: true }).check();
    await members.getByLabel('Capacity of Olga in this group').fill('5');
    await members.getByRole('button', { name: 'Save members' }).click();
    await members.getByText('Members saved').waitFor();
    await groupRow('Sales').getByRole('button', { name: '2 members' }).waitFor();
    await page.screenshot({ path: path.join(screenshots, 'admin-groups.png') });
    const withMembers = await get(`/groups/${sales.id}`);
    expect(withMembers.members).toHaveLength(2);
    expect(withMembers.members).toEqual(
      expect.arrayContaining([
        { userId: f.tenant.operators[0]!.id, capacity: 5 },
        { userId: f.tenant.operators[1]!.id, capacity: null },
      ]),
    );
    // A capacity out of range is refused and nothing changes.
    await members.getByLabel('Capacity of Petr in this group').fill('500');
    await members.getByRole('button', { name: 'Save members' }).click();
    await members
      .getByRole('alert')
      .getByText(/Some values are not valid/)
      .waitFor();
    expect((await get(`/groups/${sales.id}`)).members).toEqual(withMembers.members);
    await members.getByLabel('Capacity of Petr in this group').fill('');
    await members.getByRole('button', { name: 'Close' }).click();

    // Support becomes the default group.
    await groupRow('Support').getByRole('button', { name: 'Make default' }).click();
    await groupRow('Support').getByText('Default group').waitFor();
    expect(await groupRow('Support').getByRole('button', { name: 'Make default' }).count()).toBe(0);
    expect((await get('/tenant/settings')).defaultGroupId).toBe(support.id);

    // A timeout of 2 s is refused by the server, shown in the form, and nothing is stored.
    await groupRow('Sales').getByRole('button', { name: 'Edit' }).click();
    dialog = page.getByRole('dialog', { name: 'Edit Sales' });
    expect(await dialog.getByLabel('Whole group').isChecked()).toBe(true);
    await dialog.getByLabel('Offer timeout (seconds)').fill('2');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/^Some values are not valid/)
      .waitFor();
    expect(await groupNamed('Sales')).toMatchObject({ offerTimeoutSeconds: 45, sticky: true });
    await dialog.getByLabel('Offer timeout (seconds)').fill('60');
    await dialog.getByLabel('Sticky routing').uncheck();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await groupRow('Sales').getByText('60 seconds').waitFor();
    expect(await groupNamed('Sales')).toMatchObject({ offerTimeoutSeconds: 60, sticky: false });
    expect(w.pageErrors).toEqual([]);
  }, 90_000);

  it('adds rules, moves one up, edits and deletes them, and says where other sessions go', async () => {
    const sales = await groupNamed('Sales');
    const support = await groupNamed('Support');
    await section('Routing rules');
    await page.getByRole('heading', { name: 'Routing rules', level: 1 }).waitFor();
    await page.getByText('No rules yet').waitFor();
    const noMatch = page.getByRole('region', { name: 'When no rule matches' });
    expect(await noMatch.getByLabel('Sessions go to').inputValue()).toBe(support.id);

    // WhatsApp on weekdays in working hours, in Czech → Sales.
    await page.getByRole('button', { name: 'Add rule' }).click();
    let dialog = page.getByRole('dialog', { name: 'Add a routing rule' });
    await dialog.getByLabel('WhatsApp', { exact: true }).check();
    await dialog.getByLabel('Only on certain days and hours').check();
    expect(
      await dialog.getByRole('group', { name: 'Days' }).getByRole('checkbox', { checked: true }).count(),
    ).toBe(5);
    await dialog.getByLabel('From').fill('08:00');
    await dialog.getByLabel('To', { exact: true }).fill('17:00');
    await dialog.getByLabel('Languages').fill('c');
    await dialog.getByLabel('Send to group').selectOption({ label: 'Sales' });
    // A language tag too short: the server refuses it, nothing is stored.
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog
      .getByRole('alert')
      .getByText(/^Some values are not valid/)
      .waitFor();
    expect((await get('/routing-rules')).items).toEqual([]);
    await dialog.getByLabel('Languages').fill('cs');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await rules().first().getByText('WhatsApp · Mon–Fri 08:00–17:00 · cs → Sales').waitFor();
    expect(await rules().count()).toBe(1);

    // The website's web chat → Support.
    await page.getByRole('button', { name: 'Add rule' }).click();
    dialog = page.getByRole('dialog', { name: 'Add a routing rule' });
    await dialog.getByLabel('Website').check();
    await dialog.getByLabel('Send to group').selectOption({ label: 'Support' });
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await rules().nth(1).getByText('Website → Support').waitFor();
    const [first, second] = (await get('/routing-rules')).items;
    expect(first).toMatchObject({
      position: 1,
      groupId: sales.id,
      match: {
        channels: ['whatsapp'],
        time: { days: [1, 2, 3, 4, 5], from: '08:00', to: '17:00' },
        languages: ['cs'],
      },
    });
    expect(second).toMatchObject({
      position: 2,
      groupId: support.id,
      match: { channelAccountIds: [f.channelAccountId] },
    });

    // Move the second up: the order is saved.
    expect(await rules().first().getByRole('button', { name: 'Move up' }).isDisabled()).toBe(true);
    await rules().nth(1).getByRole('button', { name: 'Move up' }).click();
    await rules().first().getByText('Website → Support').waitFor();
    expect((await get('/routing-rules')).items.map((r: { id: string }) => r.id)).toEqual([
      second.id,
      first.id,
    ]);
    await page.screenshot({ path: path.join(screenshots, 'admin-routing.png') });

    // Edit the WhatsApp rule: Slovak too, every day, to Group A.
    await rules().nth(1).getByRole('button', { name: 'Edit' }).click();
    dialog = page.getByRole('dialog', { name: 'Edit the routing rule' });
    expect(await dialog.getByLabel('Languages').inputValue()).toBe('cs');
    await dialog.getByLabel('Languages').fill('cs, sk');
    await dialog.getByLabel('Sat').check();
    await dialog.getByLabel('Send to group').selectOption({ label: 'Group A' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await rules().nth(1).getByText('WhatsApp · Mon–Sat 08:00–17:00 · cs, sk → Group A').waitFor();
    expect(await get(`/routing-rules/${first.id}`)).toMatchObject({
      position: 2,
      groupId: f.tenant.groupA,
      match: { languages: ['cs', 'sk'], time: { days: [1, 2, 3, 4, 5, 6] } },
    });

    // Delete behind a confirmation: cancelled first, then confirmed.
    await rules().nth(1).getByRole('button', { name: 'Delete' }).click();
    let confirm = page.getByRole('dialog', { name: 'Delete the rule?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await rules().count()).toBe(2);
    await rules().nth(1).getByRole('button', { name: 'Delete' }).click();
    confirm = page.getByRole('dialog', { name: 'Delete the rule?' });
    await confirm.getByText('Mon–Sat').waitFor();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => rules().count()).toBe(1);
    expect((await get('/routing-rules')).items.map((r: { id: string }) => r.id)).toEqual([second.id]);

    // The default group, changed from here.
    await noMatch.getByLabel('Sessions go to').selectOption({ label: 'Sales' });
    await noMatch.getByText('Default group saved').waitFor();
    expect((await get('/tenant/settings')).defaultGroupId).toBe(sales.id);
    await noMatch.getByLabel('Sessions go to').selectOption({ label: 'Support' });
    await expect.poll(async () => (await get('/tenant/settings')).defaultGroupId).toBe(support.id);

    // Czech, for a moment.
    await page.getByLabel('Language').selectOption('cs');
    await page.getByRole('heading', { name: 'Pravidla směrování', level: 1 }).waitFor();
    await page
      .getByRole('list', { name: 'Pravidla směrování' })
      .getByRole('button', { name: 'Posunout níž' })
      .waitFor();
    await page.getByRole('region', { name: 'Když žádné pravidlo neplatí' }).waitFor();
    await page.getByLabel('Jazyk').selectOption('en');
    expect(w.pageErrors).toEqual([]);
  }, 90_000);

  it('refuses to delete a group a rule uses, with the reason, and deletes an unused one', async () => {
    await section('Groups');
    await groupRow('Support').getByRole('button', { name: 'Delete' }).click();
    let dialog = page.getByRole('dialog', { name: 'Delete the group?' });
    await dialog.getByRole('button', { name: 'Delete group' }).click();
    await dialog
      .getByRole('alert')
      .getByText(
        'The group was not deleted. This is the default group: choose another default group before deleting it',
      )
      .waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await groupRow('Group A').getByRole('button', { name: 'Make default' }).click();
    await groupRow('Group A').getByText('Default group').waitFor();
    await groupRow('Support').getByRole('button', { name: 'Delete' }).click();
    dialog = page.getByRole('dialog', { name: 'Delete the group?' });
    await dialog.getByRole('button', { name: 'Delete group' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/1 routing rule sends sessions to this group: change or delete it first/)
      .waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await groupNamed('Support')).toBeDefined();

    // Sales has members but nothing else refers to it: deleted, and the members lose it.
    await groupRow('Sales').getByRole('button', { name: 'Delete' }).click();
    dialog = page.getByRole('dialog', { name: 'Delete the group?' });
    await dialog.getByRole('button', { name: 'Delete group' }).click();
    await dialog.waitFor({ state: 'detached' });
    await groupRow('Sales').waitFor({ state: 'detached' });
    expect(await groupNamed('Sales')).toBeUndefined();
    const olga = (await get('/operators')).items.find(
      (o: { id: string }) => o.id === f.tenant.operators[0]!.id,
    );
    expect(olga.groupIds).toEqual([f.tenant.groupA]);

    // Czech, for a moment.
    await page.getByLabel('Language').selectOption('cs');
    await page.getByRole('heading', { name: 'Skupiny', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Přidat skupinu' }).waitFor();
    await page.getByLabel('Jazyk').selectOption('en');
    expect(w.pageErrors).toEqual([]);
    expect(w.alerts).toEqual([]);
  }, 60_000);
});
