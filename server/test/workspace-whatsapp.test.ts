import path from 'node:path';
import type { Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTemplates } from '@switchboard/sandbox/demo-config';
import { startSandbox, type RunningSandbox } from '@switchboard/sandbox/sandbox';
import { sessions } from '../src/db/schema.js';
import { call } from './factories.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

const APP_SECRET = 'workspace-app-secret';
const VERIFY_TOKEN = 'workspace-verify-token';
const KAREL = '420777123456';
const number = {
  phoneNumberId: `7${String(Date.now()).slice(-9)}`,
  displayPhoneNumber: '15550001234',
  wabaId: `8${String(Date.now()).slice(-9)}`,
  accessToken: 'workspace-token',
};

describe.runIf(browserRunnable)('operator workspace in Chromium: New session → WhatsApp', () => {
  let w: WorkspaceBrowser;
  let sandbox: RunningSandbox;
  let page: Page;
  const callbackUrls: string[] = [];

  beforeAll(async () => {
    // Meta is the sandbox: the number, its templates (one of them rejected), and Karel's phone.
    sandbox = await startSandbox({
      port: 0,
      control: true,
      retryDelaysMs: [200, 400],
      app: { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, whatsappCallbackUrls: callbackUrls },
      whatsapp: {
        numbers: [number],
        customers: [{ waId: KAREL, name: 'Karel Novák' }],
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
      switches: { statusProgression: 'delivered' },
    });
    w = await openWorkspaceBrowser({
      config: { GRAPH_API_BASE_URL: sandbox.url, GRAPH_API_VERSION: 'v23.0' },
    });
    page = w.page;
    callbackUrls.push(`${w.t.url}/webhooks/whatsapp`);
    const connected = await call(w.t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
      headers: w.f.sessions.admin!.headers,
      body: { name: 'Support line', ...number, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN },
    });
    expect(connected.status).toBe(201);
    // Connecting queues the template sync (a plain wait: expect.poll is for tests, not beforeAll).
    const templatesPath = `/api/v1/channel-accounts/${connected.body.id}/whatsapp-templates`;
    for (let i = 0; ; i++) {
      const listed = await call(w.t.url, 'GET', templatesPath, { headers: w.f.sessions.olga!.headers });
      if (listed.body.items?.length === demoTemplates.length) break;
      if (i > 100) throw new Error(`templates not synced: ${JSON.stringify(listed.body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await signInOlga(w);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    await sandbox?.close();
  });

  it('sends an approved template to a phone number, waits locked for the reply, then unlocks', async () => {
    await page.getByRole('button', { name: 'New WhatsApp session' }).click();
    const dialog = page.getByRole('dialog', { name: 'New session → WhatsApp' });
    await dialog.getByLabel('WhatsApp number').selectOption({ label: 'Support line (+15550001234)' });
    const send = dialog.getByRole('button', { name: 'Send template' });

    // A number that is not E.164 is refused here, before anything is sent.
    await dialog.getByLabel('Phone (E.164)').fill('777 123 456');
    await dialog.getByText('Not a valid international number').waitFor();
    await dialog.getByLabel('Phone (E.164)').fill(`+${KAREL}`);

    // Only approved templates are offered.
    const template = dialog.getByLabel('Approved template');
    await expect.poll(() => template.locator('option').count()).toBe(demoTemplates.length + 1);
    expect(await template.locator('option').allTextContents()).not.toContain('old_offer (en_US)');
    await template.selectOption({ label: 'follow_up (en_US)' });
    const preview = dialog.getByTestId('template-preview');
    expect(await preview.textContent()).toBe(
      'Hi {{1}}, this is {{2}} from support. Could you reply so we can continue your request?',
    );
    expect(await send.isDisabled()).toBe(true);
    await dialog.getByLabel('Parameter 1').fill('Karel');
    await dialog.getByLabel('Parameter 2').fill('Olga');
    expect(await preview.textContent()).toBe(
      'Hi Karel, this is Olga from support. Could you reply so we can continue your request?',
    );
    await page.screenshot({ path: path.join(screenshots, 'new-whatsapp-session.png') });
    await send.click();
    await dialog.waitFor({ state: 'detached' });

    // The session opens, the template in its timeline, the composer locked until Karel answers.
    const view = page.getByRole('region', { name: /^Session with/ });
    await view.waitFor();
    const timeline = view.getByTestId('timeline');
    await timeline.getByText('Hi Karel, this is Olga from support.', { exact: false }).waitFor();
    const composer = view.locator('.composer');
    await composer.getByRole('status').getByText("Waiting for the customer's reply").waitFor();
    const message = composer.getByLabel('Message', { exact: true });
    expect(await message.isDisabled()).toBe(true);
    expect(await composer.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    expect(await composer.getByRole('button', { name: /Emoji/ }).isDisabled()).toBe(true);
    expect(await composer.getByRole('button', { name: 'Templates' }).isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'whatsapp-waiting-for-reply.png') });
    await expect
      .poll(() =>
        sandbox
          .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
          .map((c) => (c.body as any).template?.name),
      )
      .toContain('follow_up');

    // Karel answers from his phone: the composer opens and Olga writes freely.
    await sandbox.injectWhatsApp({
      phone_number_id: number.phoneNumberId,
      from: KAREL,
      type: 'text',
      text: { body: 'Yes, please go on' },
    } as never);
    await timeline.getByText('Yes, please go on').waitFor();
    await expect.poll(() => message.isDisabled()).toBe(false);
    expect(await composer.getByText("Waiting for the customer's reply").count()).toBe(0);
    expect(await composer.getByRole('button', { name: 'Templates' }).isDisabled()).toBe(false);
    await message.fill('Thank you, Karel. Your parcel leaves today.');
    await message.press('Enter');
    const reply = timeline.getByTestId('message-out').filter({ hasText: 'Your parcel leaves today.' });
    await expect
      .poll(() => reply.getByTestId('message-status').textContent(), { timeout: 15_000 })
      .toMatch(/^(Sent|Delivered)$/);
    expect(w.pageErrors).toEqual([]);
  }, 90_000);

  it('offers only approved templates once the 24-hour window has closed, then waits for the reply', async () => {
    // Karel's last message was 25 hours ago (the clock stays: signing in again is not what this is about).
    const [open] = await w.t.database.db.select().from(sessions).where(eq(sessions.state, 'active'));
    await w.t.database.db
      .update(sessions)
      .set({ lastCustomerMessageAt: new Date(w.t.clock.now().getTime() - 25 * 3600_000) })
      .where(eq(sessions.id, open!.id));
    await page.reload();
    await page.getByTestId('session-row').first().click();
    const view = page.getByRole('region', { name: /^Session with/ });
    const composer = view.locator('.composer');
    await composer
      .getByRole('status')
      .getByText('The 24-hour window has closed: only an approved WhatsApp template can be sent.')
      .waitFor();
    expect(await composer.getByLabel('Message', { exact: true }).isDisabled()).toBe(true);

    const sender = composer.getByRole('form', { name: 'Send an approved template' });
    await sender.getByLabel('Approved template').selectOption({ label: 'seguimiento (es)' });
    await sender.getByLabel('Parameter 1').fill('Karel');
    expect(await sender.getByTestId('template-preview').textContent()).toBe(
      'Hola Karel, ¿podemos continuar con tu solicitud?',
    );
    await page.screenshot({ path: path.join(screenshots, 'whatsapp-window-closed.png') });
    await sender.getByRole('button', { name: 'Send template' }).click();
    await view
      .getByTestId('timeline')
      .getByText('Hola Karel, ¿podemos continuar con tu solicitud?')
      .waitFor();
    await composer.getByRole('status').getByText("Waiting for the customer's reply").waitFor();
    expect(await sender.count()).toBe(0);
    await expect
      .poll(() =>
        sandbox
          .calls({ method: 'POST', pathContains: `${number.phoneNumberId}/messages` })
          .map((c) => (c.body as any).template?.name),
      )
      .toContain('seguimiento');
    expect(w.pageErrors).toEqual([]);
  }, 90_000);
});
