import path from 'node:path';
import type { Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTemplates } from '@switchboard/sandbox/demo-config';
import { startSandbox, type RunningSandbox } from '@switchboard/sandbox/sandbox';
import { openCredentials } from '../src/channels/channel-accounts.repo.js';
import { channelAccounts } from '../src/db/schema.js';
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

const run = String(Date.now()).slice(-9);
const number = {
  phoneNumberId: `6${run}`,
  displayPhoneNumber: '15550001234',
  wabaId: `5${run}`,
  accessToken: `admin-token-${run}`,
};
const APP_SECRET = `admin-app-secret-${run}`;
const VERIFY_TOKEN = `admin-verify-${run}`;
/** Every secret entered in this test: none may ever be in an API reply or on the page. */
const SECRETS = [number.accessToken, APP_SECRET, VERIFY_TOKEN, `new-app-secret-${run}`, `page-token-${run}`];

describe.runIf(browserRunnable)('operator workspace in Chromium: channels (administrators)', () => {
  let w: WorkspaceBrowser;
  let t: TestApp;
  let f: EngineFixture;
  let page: Page;
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    // Meta is the sandbox: the number and its templates (one of them rejected). No callback URL: templates only
    // change here when synced.
    sandbox = await startSandbox({
      port: 0,
      control: true,
      app: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, whatsappCallbackUrls: [] },
      whatsapp: {
        numbers: [number],
        customers: [],
        templates: [
          ...demoTemplates,
          {
            name: 'old_offer',
            language: 'en_US',
            category: 'MARKETING',
            status: 'REJECTED',
            components: [{ type: 'BODY', text: 'An offer Meta refused' }],
          },
        ],
      },
    });
    w = await openWorkspaceBrowser({
      config: { GRAPH_API_BASE_URL: sandbox.url, GRAPH_API_VERSION: 'v23.0' },
    });
    ({ t, f, page } = w);
    page.setDefaultTimeout(15_000);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    await sandbox?.close();
  });

  const admin = () => f.sessions.admin!.headers;
  const accounts = async (channel?: string) => {
    const listed = await call(t.url, 'GET', '/api/v1/admin/channel-accounts', { headers: admin() });
    expect(listed.status).toBe(200);
    const items = listed.body.items as Array<Record<string, any>>;
    return channel ? items.filter((i) => i.channel === channel) : items;
  };
  const group = (name: string) => page.getByRole('region', { name });
  const item = (name: string) => page.getByTestId('channel-account').filter({ hasText: name });
  /** No secret in any reply about the accounts, nor anywhere on the page. */
  async function expectNoSecrets() {
    const replies = [
      await call(t.url, 'GET', '/api/v1/admin/channel-accounts', { headers: admin() }),
      await call(t.url, 'GET', '/api/v1/channel-accounts', { headers: admin() }),
    ];
    const seen = JSON.stringify(replies.map((r) => r.body)) + (await page.content());
    for (const secret of SECRETS) expect(seen).not.toContain(secret);
  }

  it('is not offered to an operator', async () => {
    await signInOlga(w, '/admin/channels');
    await page.getByText('Only administrators can use the administration pages.').waitFor();
    const refused = await call(t.url, 'GET', '/api/v1/admin/channel-accounts', {
      headers: f.sessions.olga!.headers,
    });
    expect(refused.status).toBe(403);
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 60_000);

  it('connects a WhatsApp number: a refused one shows why and stores nothing; secrets are never shown', async () => {
    await signInOlga(w, '/admin/channels', f.tenant.admin.email);
    await page.getByRole('heading', { name: 'Channels', level: 1 }).waitFor();
    await group('WhatsApp numbers').getByText('No WhatsApp number connected yet.').waitFor();
    await item('Website').getByText(f.key, { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Connect WhatsApp number' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect WhatsApp number' });
    await dialog.getByLabel('Name').fill('Support line');
    await dialog.getByLabel('Phone number ID').fill('12-ab');
    await dialog.getByLabel('WhatsApp Business Account ID').fill(number.wabaId);
    await dialog.getByLabel('Phone number (digits, optional)').fill('+1 555 000 1234');
    await dialog.getByLabel('Access token', { exact: true }).fill(number.accessToken);
    await dialog.getByLabel('App secret').fill(APP_SECRET);
    await dialog.getByLabel('Verify token').fill(VERIFY_TOKEN);
    expect(await dialog.getByLabel('App secret').getAttribute('type')).toBe('password');
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await dialog
      .getByRole('alert')
      .getByText("Phone number ID: digits only, as shown in Meta's dashboard.")
      .waitFor();
    expect(await accounts('whatsapp')).toEqual([]);

    await dialog.getByLabel('Phone number ID').fill(number.phoneNumberId);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const line = item('Support line');
    await line.getByText('+15550001234').waitFor();
    await line.getByText(number.phoneNumberId, { exact: true }).waitFor();
    expect(
      await group('WhatsApp numbers')
        .getByRole('textbox', { name: "Callback URL for Meta's webhook settings" })
        .inputValue(),
    ).toBe(`${t.url}/webhooks/whatsapp`);
    expect(await accounts('whatsapp')).toEqual([
      expect.objectContaining({
        name: 'Support line',
        externalId: number.phoneNumberId,
        wabaId: number.wabaId,
        displayPhoneNumber: '15550001234',
        enabled: true,
        credentialsSet: ['accessToken', 'appSecret', 'verifyToken'],
      }),
    ]);

    // The same number again: the server's reason, and still one number.
    await page.getByRole('button', { name: 'Connect WhatsApp number' }).click();
    await dialog.getByLabel('Name').fill('Twice');
    await dialog.getByLabel('Phone number ID').fill(number.phoneNumberId);
    await dialog.getByLabel('WhatsApp Business Account ID').fill(number.wabaId);
    await dialog.getByLabel('Access token', { exact: true }).fill(number.accessToken);
    await dialog.getByLabel('App secret').fill(APP_SECRET);
    await dialog.getByLabel('Verify token').fill(VERIFY_TOKEN);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await dialog.getByRole('alert').getByText('This WhatsApp number is already connected').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await accounts('whatsapp')).toHaveLength(1);

    // A Facebook Page too: its own callback URL.
    await page.getByRole('button', { name: 'Connect Facebook Page' }).click();
    const pageDialog = page.getByRole('dialog', { name: 'Connect Facebook Page' });
    await pageDialog.getByLabel('Page name').fill('Our Page');
    await pageDialog.getByLabel('Page ID').fill(`4${run}`);
    await pageDialog.getByLabel('Page access token').fill(`page-token-${run}`);
    await pageDialog.getByLabel('App secret').fill(APP_SECRET);
    await pageDialog.getByLabel('Verify token').fill(VERIFY_TOKEN);
    await pageDialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await item('Our Page').getByText(`4${run}`).waitFor();
    expect(
      await group('Facebook Pages')
        .getByRole('textbox', { name: "Callback URL for Meta's webhook settings" })
        .inputValue(),
    ).toBe(`${t.url}/webhooks/messenger`);
    await expectNoSecrets();
  }, 60_000);

  it('lists the number’s templates after a sync from WhatsApp, with their status', async () => {
    await item('Support line').getByRole('button', { name: 'Templates' }).click();
    const panel = page.getByRole('complementary', { name: 'Templates of Support line' });
    await panel.getByRole('button', { name: 'Sync from WhatsApp' }).click();
    await panel.getByText(`${demoTemplates.length + 1} templates synced`).waitFor();
    const table = panel.getByRole('table', { name: 'Templates' });
    const row = (name: string) => table.getByRole('row').filter({ hasText: name });
    await expect.poll(() => table.getByRole('row').count()).toBe(demoTemplates.length + 2);
    expect(await row('old_offer').locator('td').allInnerTexts()).toEqual([
      'old_offer',
      'en_US',
      'Marketing',
      'Rejected',
    ]);
    // Meta approves it; the list shows it once synced again.
    await sandbox.setTemplateStatus({ name: 'old_offer', language: 'en_US', status: 'APPROVED' });
    await panel.getByRole('button', { name: 'Sync from WhatsApp' }).click();
    await expect.poll(() => row('old_offer').locator('td').nth(3).innerText()).toBe('Approved');
    await page.screenshot({ path: path.join(screenshots, 'admin-channels.png') });
    await panel.getByRole('button', { name: 'Close' }).click();
  }, 60_000);

  it('creates a web chat and shows its embed code with its key', async () => {
    await page.getByRole('button', { name: 'Add web chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add web chat' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('   ');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.getByRole('alert').getByText('The name must not be empty').waitFor();
    expect(await accounts('webchat')).toHaveLength(1);

    await dialog.getByRole('textbox', { name: 'Name' }).fill('Shop site');
    await dialog.getByLabel('Greeting').fill('Hello from the shop <b>now</b>');
    await dialog.getByRole('checkbox', { name: 'E-mail' }).check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.waitFor({ state: 'detached' });
    const shop = item('Shop site');
    await shop.getByText('Web chat created. Copy its embed code into your website.').waitFor();
    const [created] = (await accounts('webchat')).filter((a) => a.name === 'Shop site');
    const key = created!.externalId as string;
    const snippet = shop.getByRole('textbox', { name: 'Embed code' });
    expect(await snippet.inputValue()).toBe(
      `<script src="${t.url}/widget.js" data-key="${key}" async></script>`,
    );
    expect(await snippet.getAttribute('readonly')).not.toBeNull();
    // The greeting is text, never markup; the widget answers to the key with it.
    await shop.getByText('Hello from the shop <b>now</b>').waitFor();
    const config = await call(t.url, 'GET', `/api/v1/webchat/${key}/config`);
    expect(config.body).toMatchObject({
      name: 'Shop site',
      greeting: 'Hello from the shop <b>now</b>',
      entryForm: { name: true, email: true, question: true },
    });
  }, 60_000);

  it('renames and disables a number and replaces one secret; the change persists', async () => {
    await item('Support line').getByRole('button', { name: 'Edit Support line' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Support line' });
    await dialog.getByLabel('Name').fill('Sales line');
    await dialog.getByRole('switch', { name: 'Enabled' }).uncheck();
    await dialog.getByText('A disabled account receives nothing').waitFor();
    const secret = dialog.getByLabel('App secret');
    expect(await secret.getAttribute('placeholder')).toBe('Leave empty to keep the current one');
    await secret.fill(`new-app-secret-${run}`);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await item('Sales line').getByText('Disabled').waitFor();

    await page.reload();
    await item('Sales line').getByText('Disabled').waitFor();
    const [saved] = await accounts('whatsapp');
    expect(saved).toMatchObject({ name: 'Sales line', enabled: false });
    const [row] = await t.database.db.select().from(channelAccounts).where(eq(channelAccounts.id, saved!.id));
    expect(openCredentials(t.secretBox, row!)).toEqual({
      accessToken: number.accessToken,
      appSecret: `new-app-secret-${run}`,
      verifyToken: VERIFY_TOKEN,
    });
    // Operators see it disabled where they pick a number.
    const forOperators = await call(t.url, 'GET', '/api/v1/channel-accounts?channel=whatsapp', {
      headers: f.sessions.olga!.headers,
    });
    expect(forOperators.body.items).toEqual([
      expect.objectContaining({ name: 'Sales line', enabled: false }),
    ]);
    await expectNoSecrets();
  }, 60_000);

  it('speaks Czech', async () => {
    await page.getByLabel('Language').selectOption('cs');
    await page.getByRole('heading', { name: 'Kanály', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Připojit číslo WhatsApp' }).waitFor();
    await item('Sales line').getByText('Vypnuto').waitFor();
    await group('Webové chaty').getByRole('textbox', { name: 'Kód pro vložení' }).first().waitFor();
    await page.getByLabel('Jazyk').selectOption('en');
    await page.getByRole('heading', { name: 'Channels', level: 1 }).waitFor();
  }, 60_000);
});
