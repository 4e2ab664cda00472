import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineFixture } from './engine-setup.js';
import { call } from './factories.js';
import type { TestApp } from './harness.js';
import { startWebhookReceiver, webhookSignature, type WebhookReceiver } from './webhook-receiver.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

describe.runIf(browserRunnable)('operator workspace in Chromium: outbound webhooks (administrators)', () => {
  let w: WorkspaceBrowser;
  let t: TestApp;
  let f: EngineFixture;
  let page: Page;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The receiver is on loopback, which the server refuses unless allowed.
    w = await openWorkspaceBrowser({ config: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
    ({ t, f, page } = w);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    await receiver?.close();
  });

  const admin = () => f.sessions.admin!.headers;
  const nav = () => page.getByRole('navigation', { name: 'Pages' });
  const rows = () => page.getByTestId('delivery-row');
  /** The cells of a row of the delivery log (newest first): time, event, status, attempts, answer, next. */
  const cells = (i: number) => rows().nth(i).locator('td').allInnerTexts();
  const detail = () => page.getByRole('complementary', { name: /^Delivery/ });

  it('is not offered to an operator, and says so at its address (also at the address it first had)', async () => {
    await signInOlga(w, '/webhooks');
    await page.getByText('Only administrators can use the administration pages.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/webhooks');
    await nav().getByRole('link', { name: 'Contacts' }).waitFor();
    expect(await nav().getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0);
    const refused = await call(t.url, 'GET', '/api/v1/webhooks', { headers: f.sessions.olga!.headers });
    expect(refused.status).toBe(403);
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 60_000);

  it('adds an endpoint, shows its secret once, sends a test, retries, redelivers and disables', async () => {
    await signInOlga(w, '/', f.tenant.admin.email);
    await nav().getByRole('link', { name: 'Admin', exact: true }).click();
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Webhooks' })
      .click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByText('No endpoints yet').waitFor();

    // The form: at least one event (checked in the page), and a URL the server accepts (its reason is shown).
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const form = page.getByRole('region', { name: 'Add endpoint' });
    await form.getByLabel('URL').fill('ftp://x');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form.getByText('Pick at least one event.').waitFor();
    await form.getByLabel('Session created').check();
    await form.getByLabel('Message received').check();
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await form
      .getByRole('alert')
      .getByText('Some values are not valid: The URL must start with https:// or http://')
      .waitFor();
    expect((await call(t.url, 'GET', '/api/v1/webhooks', { headers: admin() })).body.items).toEqual([]);

    await form.getByLabel('URL').fill(receiver.url);
    await form.getByLabel('Description').fill('CRM sync');
    expect(await form.getByRole('switch', { name: 'Enabled' }).isChecked()).toBe(true);
    await form.getByRole('button', { name: 'Add', exact: true }).click();

    // The secret, once: read-only, with the warning; the API never shows it again.
    const panel = page.getByRole('region', { name: `Signing secret for ${receiver.url}` });
    await panel.getByText('Copy it now: it will not be shown again.').waitFor();
    const secretField = panel.getByLabel('Signing secret');
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect(await secretField.getAttribute('readonly')).not.toBeNull();
    const listed = await call(t.url, 'GET', '/api/v1/webhooks', { headers: admin() });
    expect(listed.body.items).toHaveLength(1);
    const endpoint = listed.body.items[0];
    expect(endpoint).toMatchObject({
      url: receiver.url,
      description: 'CRM sync',
      events: ['session.created', 'message.received'],
      enabled: true,
    });
    expect(endpoint.secret).toBeUndefined();
    await panel.getByRole('button', { name: 'I have copied it' }).click();
    await panel.waitFor({ state: 'detached' });

    const item = page.getByTestId('webhook-endpoint').filter({ hasText: receiver.url });
    await item.getByText('CRM sync').waitFor();
    expect(await item.getByRole('list', { name: 'Events' }).getByRole('listitem').allInnerTexts()).toEqual([
      'Session created',
      'Message received',
    ]);

    // A test delivery: signed with the secret shown, delivered, its payload readable as text.
    await item.getByRole('button', { name: 'Send test' }).click();
    await item.getByText('Test delivery queued').waitFor();
    await page.getByRole('heading', { name: `Deliveries to ${receiver.url}` }).waitFor();
    await expect
      .poll(() => cells(0), { timeout: 15_000 })
      .toEqual([expect.any(String), 'Test (ping)', 'Delivered', '1', 'HTTP 200', '—']);
    expect(receiver.received).toHaveLength(1);
    const ping = receiver.received[0]!;
    expect(ping.headers['x-switchboard-event']).toBe('ping');
    expect(ping.headers['x-switchboard-signature-256']).toBe(webhookSignature(ping.raw, secret));
    await rows().first().getByRole('button').click();
    await detail().getByRole('heading', { name: 'Delivery: Test (ping)' }).waitFor();
    const payload = JSON.parse(await detail().getByTestId('payload').innerText());
    expect(payload).toEqual(ping.body);
    expect(payload).toMatchObject({ type: 'ping', data: { endpointId: endpoint.id } });
    await detail().getByRole('table', { name: 'Attempt log' }).getByText('HTTP 200').waitFor();

    // The receiver fails: pending with its answer and the next attempt; Redeliver waits for the attempts to end.
    receiver.answer(500, 'receiver down');
    await item.getByRole('button', { name: 'Send test' }).click();
    await expect
      .poll(() => cells(0), { timeout: 15_000 })
      .toEqual([expect.any(String), 'Test (ping)', 'Pending', '1', 'HTTP 500', expect.stringMatching(/\d/)]);
    expect(await rows().count()).toBe(2);
    await rows().first().getByRole('button').click();
    await detail().getByText('HTTP 500: receiver down').first().waitFor();
    expect(await detail().getByRole('button', { name: 'Redeliver' }).isDisabled()).toBe(true);
    await detail().getByText('It can be sent again once its attempts have ended.').waitFor();

    // The retry comes on the app's clock; 410 Gone gives up at once: failed, shown without a reload.
    receiver.answer(410, 'receiver down');
    await t.advance(30_000);
    await expect
      .poll(() => cells(0), { timeout: 15_000 })
      .toEqual([expect.any(String), 'Test (ping)', 'Failed', '2', 'HTTP 410', '—']);
    const redeliver = detail().getByRole('button', { name: 'Redeliver' });
    await expect.poll(() => redeliver.isEnabled(), { timeout: 10_000 }).toBe(true);

    // Fixed receiver, Redeliver: delivered, the same delivery with one more attempt.
    receiver.answer(200, 'ok');
    await redeliver.click();
    await detail().getByText('Queued for delivery again').waitFor();
    await expect
      .poll(() => cells(0), { timeout: 15_000 })
      .toEqual([expect.any(String), 'Test (ping)', 'Delivered', '3', 'HTTP 200', '—']);
    await detail().getByText('Delivered', { exact: true }).waitFor();
    expect(await detail().getByRole('table', { name: 'Attempt log' }).getByRole('row').count()).toBe(4);
    expect(receiver.received).toHaveLength(4);
    await page.screenshot({ path: path.join(screenshots, 'webhooks.png') });

    // The status filter.
    const filter = page.getByRole('combobox', { name: /^Status/ });
    await filter.selectOption('failed');
    await page.getByText('No deliveries with this status').waitFor();
    await filter.selectOption('delivered');
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(2);
    await filter.selectOption('');

    // Disabled: the switch is saved, and a test to it fails without a request.
    await item.getByRole('switch', { name: 'Enabled' }).uncheck();
    await expect
      .poll(
        async () => (await call(t.url, 'GET', `/api/v1/webhooks/${endpoint.id}`, { headers: admin() })).body,
        { timeout: 10_000 },
      )
      .toMatchObject({ enabled: false });
    await page.reload();
    await page
      .getByTestId('webhook-endpoint')
      .filter({ hasText: receiver.url })
      .getByRole('switch', { name: 'Enabled' })
      .waitFor();
    expect(await item.getByRole('switch', { name: 'Enabled' }).isChecked()).toBe(false);
    await item.getByRole('button', { name: 'Send test' }).click();
    await expect
      .poll(() => cells(0), { timeout: 15_000 })
      .toEqual([expect.any(String), 'Test (ping)', 'Failed', '1', 'The endpoint is disabled', '—']);
    expect(receiver.received).toHaveLength(4);
    expect(w.pageErrors).toEqual([]);
    expect(w.alerts).toEqual([]);
  }, 120_000);

  it('rotates the secret after a confirmation, edits, and deletes the endpoint', async () => {
    const item = page.getByTestId('webhook-endpoint').filter({ hasText: receiver.url });
    const before = (await call(t.url, 'GET', '/api/v1/webhooks', { headers: admin() })).body.items[0];

    await item.getByRole('button', { name: 'Rotate secret' }).click();
    const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await rotate.getByRole('button', { name: 'Cancel' }).click();
    await rotate.waitFor({ state: 'detached' });
    await item.getByRole('button', { name: 'Rotate secret' }).click();
    await rotate.getByRole('button', { name: 'Rotate', exact: true }).click();
    const panel = page.getByRole('region', { name: `New signing secret for ${receiver.url}` });
    await panel.getByText('Copy it now: it will not be shown again.').waitFor();
    expect(await panel.getByLabel('Signing secret').inputValue()).toMatch(/^whsec_/);
    await panel.getByRole('button', { name: 'I have copied it' }).click();

    // Edit: events and description; the switch back on.
    await item.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: `Edit ${receiver.url}` });
    await edit.getByLabel('Description').fill('');
    await edit.getByLabel('Message received').uncheck();
    await edit.getByLabel('Session ended').check();
    await edit.getByRole('switch', { name: 'Enabled' }).check();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect
      .poll(() => item.getByRole('list', { name: 'Events' }).getByRole('listitem').allInnerTexts(), {
        timeout: 10_000,
      })
      .toEqual(['Session created', 'Session ended']);
    const after = (await call(t.url, 'GET', `/api/v1/webhooks/${before.id}`, { headers: admin() })).body;
    expect(after).toMatchObject({
      description: null,
      events: ['session.created', 'session.ended'],
      enabled: true,
    });

    // Czech, for a moment: the page and its labels are translated.
    await page.getByLabel('Language').selectOption('cs');
    await page.getByRole('heading', { name: 'Webhooky', level: 1 }).waitFor();
    await item.getByRole('button', { name: 'Poslat test' }).waitFor();
    await page.getByLabel('Jazyk').selectOption('en');

    await item.getByRole('button', { name: 'Delete' }).click();
    const remove = page.getByRole('dialog', { name: 'Delete the endpoint?' });
    await remove.getByText('its delivery log is deleted with it').waitFor();
    await remove.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No endpoints yet').waitFor();
    expect((await call(t.url, 'GET', '/api/v1/webhooks', { headers: admin() })).body.items).toEqual([]);
    expect(w.pageErrors).toEqual([]);
  }, 60_000);
});
