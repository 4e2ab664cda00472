import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { driver } from './harness.js';
import { oncePerRun } from './once-per-run.js';

const executablePath = '/usr/bin/chromium';
/** On a developer machine without Chromium the widget tests are skipped; CI installs it, so there they run. */
export const widgetRunnable =
  driver === 'pglite' && (existsSync(executablePath) || process.env.CI === 'true');
const here = path.dirname(fileURLToPath(import.meta.url));

/** Builds widget/dist/widget.js, which the app serves at /widget.js, once per test run (`once-per-run.ts`). */
export function buildWidget(): Promise<void> {
  return oncePerRun('widget-build', () =>
    build({ root: path.resolve(here, '../../widget'), logLevel: 'silent' }).then(() => undefined),
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/**
 * A customer's website on another origin than Switchboard, as in real life: it only includes the script tag, so
 * the widget's calls and socket are cross-origin. `keys` maps a path to the widget key its page embeds.
 */
export async function startHostSite(
  appUrl: string,
  keys: Record<string, string>,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const key = keys[request.url ?? ''];
    if (!key) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html><head><title>Shop</title>
      <style>* { color: red !important; font-size: 40px !important; } button { display: none !important; }</style>
      </head><body><h1 id="own">The shop's own page</h1><a href="#basket" id="buy">Buy</a>
      <script src="${appUrl}/widget.js" data-key="${key}" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
