import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { engineFixture, type EngineFixture } from './engine-setup.js';
import { call, PASSWORD } from './factories.js';
import { driver, startTestApp, testWebDist, type TestApp } from './harness.js';
import { oncePerRun } from './once-per-run.js';

const executablePath = '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '../../web');
export const screenshots = path.resolve(here, '../../docs/screenshots');

/** On a developer machine without Chromium the browser tests are skipped; CI installs it, so there they run. */
export const browserRunnable =
  driver === 'pglite' && (existsSync(executablePath) || process.env.CI === 'true');

/** Builds the workspace once per test run (`once-per-run.ts`). */
function buildWebOnce(): Promise<void> {
  return oncePerRun('web-build', () =>
    build({
      root: webDir,
      logLevel: 'silent',
      ...(testWebDist && { build: { outDir: testWebDist, emptyOutDir: true } }),
    }).then(() => undefined),
  );
}

export interface WorkspaceBrowser {
  t: TestApp;
  f: EngineFixture;
  browser: Browser;
  page: Page;
  /** Texts of `alert()`s the page raised (customer text must never run as script). */
  alerts: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

/** The app, a tenant with a web chat, and Chromium with one page open on the app (not signed in yet). */
export async function openWorkspaceBrowser(
  options: {
    locale?: string;
    viewport?: { width: number; height: number };
    config?: Record<string, string>;
  } = {},
): Promise<WorkspaceBrowser> {
  await buildWebOnce();
  const t = await startTestApp(options.config ? { config: options.config } : {});
  const f = await engineFixture(t);
  const browser = await chromium.launch({
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
  const page = await browser.newPage({
    viewport: options.viewport ?? { width: 1400, height: 860 },
    locale: options.locale ?? 'en-GB',
  });
  const alerts: string[] = [];
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => {
    alerts.push(dialog.message());
    void dialog.dismiss();
  });
  return {
    t,
    f,
    browser,
    page,
    alerts,
    pageErrors,
    async close() {
      await browser.close();
      f.close();
      t.app.server.closeAllConnections();
      await t.close();
    },
  };
}

/** Signs Olga (or another user) in through the form on the page at `at` and sets her available. */
export async function signInOlga(
  w: WorkspaceBrowser,
  at = '/',
  email = w.f.tenant.operators[0]!.email,
): Promise<void> {
  const { page, t } = w;
  // Opened as localhost: the socket accepts the loopback spellings of the public URL.
  await page.goto(t.url.replace('127.0.0.1', 'localhost') + at);
  await page.locator('input[type="email"]').fill(email);
  await page.locator('input[type="password"]').fill(PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await page
    .getByTestId('connection')
    .getByText(/Connected|Připojeno/)
    .waitFor();
  await page.locator('.presence-switch button').first().click();
  // A plain wait, not expect.poll: this also runs in beforeAll.
  const name = email === w.f.tenant.operators[0]!.email ? 'Olga' : undefined;
  for (let i = 0; name && (await presenceOf(w, name)) !== 'available'; i++) {
    if (i > 50) throw new Error(`${name} did not become available`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function presenceOf(w: WorkspaceBrowser, name: string): Promise<string> {
  const operators = await call(w.t.url, 'GET', '/api/v1/operators', { headers: w.f.sessions.olga!.headers });
  return operators.body.items.find((o: any) => o.name === name).presence;
}

/**
 * Picks files with the composer's "Attach files", as a person can only once the button is enabled: until the
 * upload policy (blocked types, limits) has arrived, the picker takes nothing.
 */
export async function attachFiles(page: Page, files: Parameters<Page['setInputFiles']>[1]): Promise<void> {
  const attach = page.getByRole('button', { name: 'Attach files' });
  await expect.poll(() => attach.isEnabled(), { timeout: 10_000 }).toBe(true);
  await page.getByTestId('file-input').setInputFiles(files);
}
