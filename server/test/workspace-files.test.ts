import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../src/db/schema.js';
import { storeFile } from '../src/files/store-file.js';
import { announceMessage } from '../src/sessions/announce.js';
import { receiveInbound } from '../src/sessions/receive-inbound.js';
import type { EngineFixture } from './engine-setup.js';
import { activeChat } from './engine-steps.js';
import { call } from './factories.js';
import type { TestApp } from './harness.js';
import type { WebchatCustomer } from './webchat-client.js';
import {
  attachFiles,
  browserRunnable,
  openWorkspaceBrowser,
  screenshots,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

const MAX_UPLOAD = 300_000;

/** A short, valid WAV file (a second of a 440 Hz tone), so the browser can play it. */
function wav(): Buffer {
  const rate = 8000;
  const samples = Buffer.alloc(rate * 2);
  for (let i = 0; i < rate; i++)
    samples.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]);
}

describe.runIf(browserRunnable)('operator workspace in Chromium: files', () => {
  let w: WorkspaceBrowser;
  let t: TestApp;
  let f: EngineFixture;
  let page: Page;
  let customer: WebchatCustomer;
  let sessionId: string;
  let png: Buffer;

  beforeAll(async () => {
    w = await openWorkspaceBrowser({ config: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD) } });
    ({ t, f, page } = w);
    png = await sharp({ create: { width: 640, height: 400, channels: 3, background: '#2e7d5b' } })
      .png()
      .toBuffer();
    const blocked = await call(t.url, 'PUT', '/api/v1/admin/blocked-file-types', {
      headers: f.sessions.admin!.headers,
      body: { mimeTypes: ['application/x-msdownload'], extensions: ['exe'] },
    });
    expect(blocked.status).toBe(200);
    await signInOlga(w);
    ({ customer, sessionId } = await activeChat(t, f, 'Here is my invoice'));
    await page.getByTestId('session-row').first().click();
    await page.getByTestId('timeline').getByText('Here is my invoice').waitFor();
  }, 120_000);
  afterAll(async () => {
    customer?.close();
    await w?.close();
  });

  const timeline = () => page.getByTestId('timeline');
  const olga = () => f.sessions.olga!.headers;

  it('attaches several files at once with progress; a blocked and a too-large file are refused before upload', async () => {
    // Hold the upload until the progress bar has been seen.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const uploads: string[] = [];
    await page.route('**/api/v1/sessions/*/files', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      uploads.push(route.request().url());
      await held;
      await route.continue();
    });
    await attachFiles(page, [
      { name: 'photo.png', mimeType: 'image/png', buffer: png },
      {
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('Order 1234\nDelivered to the back door.\n'),
      },
      { name: 'evil.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ not really') },
      { name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(MAX_UPLOAD + 1, 1) },
    ]);
    const refused = page.locator('.file-picker [role="alert"]');
    // Polls wait up to 10 s: on a busy CI machine the page's reaction took longer than the default second.
    await expect
      .poll(() => refused.innerText(), { timeout: 10_000 })
      .toMatch(/evil\.exe was not sent: files of type application\/x-msdownload are blocked/);
    expect(await refused.innerText()).toMatch(/huge\.bin was not sent: larger than 293 kB/);
    const progress = page.getByLabel('Uploading photo.png, notes.txt');
    await progress.waitFor();
    expect(await progress.evaluate((el) => el.tagName)).toBe('PROGRESS');
    release();
    const staged = page.getByRole('list', { name: 'Files to send' });
    await expect
      .poll(() => staged.getByRole('listitem').allInnerTexts(), { timeout: 10_000 })
      .toHaveLength(2);
    expect((await staged.innerText()).replace(/\s+/g, ' ')).toMatch(/photo\.png .*notes\.txt/);
    await page.unroute('**/api/v1/sessions/*/files');
    // One request, with only the two accepted files in it.
    expect(uploads).toHaveLength(1);
    const files = await call(t.url, 'GET', `/api/v1/sessions/${sessionId}/files`, { headers: olga() });
    expect(files.body.items.map((x: any) => x.name).sort()).toEqual(['notes.txt', 'photo.png']);

    // Sent with the next message: the files show in it, and the customer gets them.
    await page.getByLabel('Message', { exact: true }).fill('Your photo and the delivery note');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    const sent = timeline()
      .getByTestId('message-out')
      .filter({ hasText: 'Your photo and the delivery note' });
    await sent.getByRole('button', { name: 'Open photo.png full size' }).waitFor();
    await sent.locator('summary', { hasText: 'notes.txt' }).waitFor();
    expect(await staged.count()).toBe(0);
    const delivered = await customer.waitFor(
      (e) => e.name === 'visitor.message' && (e.payload as any).text === 'Your photo and the delivery note',
    );
    expect((delivered.payload as any).files.map((x: any) => x.name)).toEqual(['photo.png', 'notes.txt']);

    // Session Files in the contact panel: the thumbnail opens the full image in the page; Escape closes it.
    const panel = page.getByRole('complementary', { name: 'Contact' });
    const thumb = panel.getByRole('button', { name: 'Open photo.png full size' });
    await thumb.locator('img').waitFor({ timeout: 15_000 });
    await thumb.click();
    const viewer = page.getByRole('dialog', { name: 'photo.png' });
    const full = viewer.locator('img.full');
    await expect.poll(() => full.evaluate((img: any) => img.naturalWidth), { timeout: 10_000 }).toBe(640);
    await page.screenshot({ path: path.join(screenshots, 'file-viewer.png') });
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    await panel.locator('summary', { hasText: 'notes.txt' }).click();
    await panel.getByText('Delivered to the back door.').waitFor();
  }, 60_000);

  it("shows the customer's files in the timeline: thumbnail, text, audio, a blocked file, and one still loading", async () => {
    const store = (name: string, data: Buffer, messageId?: string) =>
      storeFile(
        {
          database: t.database,
          fileStore: t.engine.fileStore,
          maxUploadBytes: MAX_UPLOAD,
          jobs: t.engine.jobs,
        },
        {
          tenantId: f.tenant.id,
          sessionId,
          ...(messageId ? { messageId } : {}),
          name,
          content: Readable.from(data),
          createdBy: 'customer',
          onBlocked: 'record',
        },
      );
    const image = await store('receipt.png', png);
    const text = await store('log.txt', Buffer.from('line one\nline two\n'));
    const audio = await store('voice.wav', wav());
    const blocked = await store('run.exe', Buffer.from('MZ'));
    expect(blocked.status).toBe('blocked');
    const inbound = (
      attachments: Array<{ fileId?: string; name: string; remoteRef?: string }>,
      body: string,
    ) =>
      receiveInbound(t.engine, {
        tenantId: f.tenant.id,
        channel: 'webchat',
        channelAccountId: f.channelAccountId,
        customer: { identities: [{ kind: 'webchat_visitor', value: customer.visitorId }] },
        event: {
          kind: 'message',
          channelMessageId: randomUUID(),
          text: body,
          attachments,
          sentAt: t.clock.now(),
        },
      });
    await inbound(
      [image, text, audio, blocked].map((file) => ({ fileId: file.id, name: file.name })),
      'Four files',
    );
    const message = timeline().getByTestId('message-in').filter({ hasText: 'Four files' });
    await message.getByText(/^blocked file: run\.exe, /).waitFor();
    await message.getByRole('button', { name: 'Open receipt.png full size' }).locator('img').waitFor({
      timeout: 15_000,
    });
    await message.locator('summary', { hasText: 'log.txt' }).click();
    await message.getByText('line two').waitFor();
    const player = message.locator('audio');
    expect(await player.getAttribute('src')).toBe(`/api/v1/files/${audio.id}/content`);
    await expect.poll(() => player.evaluate((a: any) => a.duration)).toBeCloseTo(1, 1);
    expect(await message.getByRole('link', { name: /voice\.wav/ }).getAttribute('href')).toBe(
      `/api/v1/files/${audio.id}/content?download=true`,
    );

    // A file still being fetched from the channel shows as loading, and turns into its preview on message.updated.
    const result = await inbound([{ name: 'later.png', remoteRef: 'media-1' }], 'One more');
    if (result.outcome !== 'stored') throw new Error(result.outcome);
    const later = timeline().getByTestId('message-in').filter({ hasText: 'One more' });
    await later.getByText('Loading later.png…').waitFor();
    await storeFile(
      {
        database: t.database,
        fileStore: t.engine.fileStore,
        maxUploadBytes: MAX_UPLOAD,
        jobs: t.engine.jobs,
      },
      {
        tenantId: f.tenant.id,
        sessionId,
        messageId: result.message.id,
        name: 'later.png',
        content: Readable.from(png),
        createdBy: 'customer',
        onBlocked: 'record',
        inTransaction: async (tx, file) => {
          const [updated] = await tx
            .update(messages)
            .set({ metadata: { attachments: [{ name: 'later.png', fileId: file.id, status: file.status }] } })
            .where(eq(messages.id, result.message.id))
            .returning();
          await announceMessage(tx, result.session, updated!, 'message.updated');
        },
      },
    );
    await later
      .getByRole('button', { name: 'Open later.png full size' })
      .locator('img')
      .waitFor({ timeout: 15_000 });
    expect(await later.getByText('Loading later.png…').count()).toBe(0);
    await page.screenshot({ path: path.join(screenshots, 'files.png') });
    expect(w.pageErrors).toEqual([]);
  }, 60_000);
});
