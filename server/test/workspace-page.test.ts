import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestTenant, logIn, PASSWORD, type TestTenant } from './factories.js';
import { driver, startTestApp, type TestApp } from './harness.js';

const executablePath = '/usr/bin/chromium';
// On a developer machine without Chromium the test is skipped; CI installs it, so there it always runs.
const runnable = driver === 'pglite' && (existsSync(executablePath) || process.env.CI === 'true');
const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

describe.runIf(runnable)('operator page in Chromium', () => {
  let browser: Browser;
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    await build({ root: webDir, logLevel: 'silent' });
    t = await startTestApp();
    tenant = await createTestTenant(t.database);
    browser = await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in, goes live, and shows presence changes made elsewhere as they happen', async () => {
    const page = await browser.newPage();
    // Opened as localhost: the socket accepts the loopback spellings of the public URL.
    await page.goto(t.url.replace('127.0.0.1', 'localhost'));
    await page.getByLabel('E-mail').fill(tenant.operators[0]!.email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong e-mail or password');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('connection').getByText('connected', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'available' }).click();
    const own = page.getByTestId(`operator-${tenant.operators[0]!.id}`);
    await expect.poll(() => own.textContent()).toContain('available');

    // Another operator goes away in their own session: the page shows it without a reload.
    const petr = await logIn(t.url, tenant.operators[1]!);
    await call(t.url, 'PUT', '/api/v1/operators/me/presence', {
      headers: petr.headers,
      body: { status: 'away', awayReason: '<b>Lunch</b>' },
    });
    const other = page.getByTestId(`operator-${tenant.operators[1]!.id}`);
    await expect.poll(() => other.textContent()).toContain('away (<b>Lunch</b>)');
    // Text is text: the markup is shown, not rendered.
    expect(await other.locator('b').count()).toBe(0);
  }, 60_000);
});
