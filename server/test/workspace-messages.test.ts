import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertChannelAccount } from '../src/channels/channel-accounts.repo.js';
import { messages, sessions } from '../src/db/schema.js';
import { storeFile } from '../src/files/store-file.js';
import { announceMessage } from '../src/sessions/announce.js';
import { receiveInbound, type InboundInput } from '../src/sessions/receive-inbound.js';
import type { EngineFixture } from './engine-setup.js';
import { activeChat } from './engine-steps.js';
import { call } from './factories.js';
import type { TestApp } from './harness.js';
import type { WebchatCustomer } from './webchat-client.js';
import {
  browserRunnable,
  openWorkspaceBrowser,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

describe.runIf(browserRunnable)('operator workspace in Chromium: message details', () => {
  let w: WorkspaceBrowser;
  let t: TestApp;
  let f: EngineFixture;
  let page: Page;
  let customer: WebchatCustomer;
  let sessionId: string;

  beforeAll(async () => {
    w = await openWorkspaceBrowser();
    ({ t, f, page } = w);
    await signInOlga(w);
    ({ customer, sessionId } = await activeChat(t, f, 'Where is order 1234?'));
    await page.getByTestId('session-row').first().click();
    await timeline().getByText('Where is order 1234?').waitFor();
  }, 120_000);
  afterAll(async () => {
    customer?.close();
    await w?.close();
  });

  const timeline = () => page.getByTestId('timeline');
  const inbound = (event: InboundInput['event']) =>
    receiveInbound(t.engine, {
      tenantId: f.tenant.id,
      channel: 'webchat',
      channelAccountId: f.channelAccountId,
      customer: { identities: [{ kind: 'webchat_visitor', value: customer.visitorId }] },
      event,
    });

  it('shows a failed message with its reason; Retry sends it again', async () => {
    await page.getByLabel('Message', { exact: true }).fill('It left the warehouse today.');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    const out = timeline().getByTestId('message-out').filter({ hasText: 'It left the warehouse today.' });
    const status = out.getByTestId('message-status');
    await expect.poll(() => status.textContent()).toMatch(/^(Sent|Delivered)$/);

    // The channel refused it (as WhatsApp or Messenger do): the reason shows, and Retry is offered.
    await t.database.db.transaction(async (tx) => {
      const [row] = await tx
        .update(messages)
        .set({ status: 'error', errorCode: 'rate_limited', errorReason: 'The channel is busy; try again' })
        .where(eq(messages.text, 'It left the warehouse today.'))
        .returning();
      const [session] = await tx.select().from(sessions).where(eq(sessions.id, sessionId));
      await announceMessage(tx, session!, row!, 'message.updated');
    });
    await expect.poll(() => status.textContent()).toBe('Not sent: The channel is busy; try again');
    await out.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => status.textContent()).toMatch(/^(Sending…|Sent|Delivered)$/);
    await expect.poll(() => status.textContent()).toMatch(/^(Sent|Delivered)$/);
    expect(await out.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    // Sent again, not a second message.
    expect(
      await timeline().getByTestId('message-out').filter({ hasText: 'It left the warehouse today.' }).count(),
    ).toBe(1);
  }, 60_000);

  it("marks an edited message (the original at hand), shows the customer's reaction and a sticker as a picture", async () => {
    const clientMessageId = randomUUID();
    expect((await customer.send('Order 1243, sorry', clientMessageId)).status).toBe(200);
    const channelMessageId = `${customer.visitorId}:${clientMessageId}`;
    await timeline().getByText('Order 1243, sorry').waitFor();
    await inbound({ kind: 'edit', channelMessageId, text: 'Order 1234, sorry', sentAt: t.clock.now() });
    const edited = timeline().getByTestId('message-in').filter({ hasText: 'Order 1234, sorry' });
    const mark = edited.getByTestId('edit-mark');
    await mark.getByText('edited').click();
    await mark.getByText('Original: Order 1243, sorry').waitFor();

    // The customer reacts to their own corrected message (web chat keeps reactions by message id).
    await inbound({ kind: 'reaction', channelMessageId, emoji: '👍', sentAt: t.clock.now() });
    await edited.getByRole('img', { name: 'Customer reacted 👍' }).waitFor();

    const webp = await sharp({ create: { width: 128, height: 128, channels: 4, background: '#f5a623' } })
      .webp()
      .toBuffer();
    const sticker = await storeFile(
      { database: t.database, fileStore: t.engine.fileStore, maxUploadBytes: 1_000_000 },
      {
        tenantId: f.tenant.id,
        sessionId,
        name: 'sticker.webp',
        content: Readable.from(webp),
        createdBy: 'customer',
        onBlocked: 'record',
      },
    );
    await inbound({
      kind: 'message',
      channelMessageId: randomUUID(),
      attachments: [{ fileId: sticker.id, name: 'sticker.webp' }],
      metadata: { type: 'sticker' },
      sentAt: t.clock.now(),
    });
    const picture = timeline().locator('img.sticker');
    await expect.poll(() => picture.evaluate((img: any) => img.naturalWidth)).toBe(128);
    expect(await picture.getAttribute('alt')).toBe('sticker.webp');
  }, 60_000);

  it("sends the operator's reaction to a WhatsApp customer's message and shows it there", async () => {
    const account = await insertChannelAccount(t.database.db, t.secretBox, {
      tenantId: f.tenant.id,
      channel: 'whatsapp',
      name: 'Shop WhatsApp',
      externalId: '100200300',
    });
    await receiveInbound(t.engine, {
      tenantId: f.tenant.id,
      channel: 'whatsapp',
      channelAccountId: account.id,
      customer: { identities: [{ kind: 'wa_id', value: '420601111222' }], profile: { name: 'Jan Malý' } },
      event: {
        kind: 'message',
        channelMessageId: 'wamid.shop-1',
        text: 'Is the shop open today?',
        sentAt: t.clock.now(),
      },
    });
    const offer = await f.sockets.olga!.waitFor(
      (e) =>
        e.name === 'offer.created' && (e.payload as any).session.firstMessage === 'Is the shop open today?',
    );
    const accepted = await call(t.url, 'POST', `/api/v1/offers/${(offer.payload as any).id}/accept`, {
      headers: f.sessions.olga!.headers,
    });
    expect(accepted.status).toBe(200);
    await page.getByTestId('session-row').filter({ hasText: 'Jan Malý' }).click();
    const question = timeline().getByTestId('message-in').filter({ hasText: 'Is the shop open today?' });
    await question.getByRole('button', { name: 'React' }).click();
    await question.getByRole('group', { name: 'React' }).getByRole('button', { name: '❤️' }).click();
    await question.getByRole('img', { name: 'Operator reacted ❤️' }).waitFor();
    const stored = await call(t.url, 'GET', `/api/v1/sessions/${accepted.body.id}/messages`, {
      headers: f.sessions.olga!.headers,
    });
    expect(stored.body.items[0].metadata.reactions).toEqual({ operator: '❤️' });

    // The customer deletes it: marked by the flag WhatsApp's revoke sets, the original kept for audit.
    const change = (event: InboundInput['event']) =>
      receiveInbound(t.engine, {
        tenantId: f.tenant.id,
        channel: 'whatsapp',
        channelAccountId: account.id,
        customer: { identities: [{ kind: 'wa_id', value: '420601111222' }] },
        event,
      });
    await change({
      kind: 'edit',
      channelMessageId: 'wamid.shop-1',
      text: 'This message was deleted.',
      sentAt: t.clock.now(),
      revoked: true,
    });
    const deleted = timeline().getByTestId('message-in').filter({ hasText: 'deleted by the customer' });
    await deleted.getByText('This message was deleted').waitFor();
    await deleted.getByText('deleted by the customer').click();
    await deleted.getByText('Original: Is the shop open today?').waitFor();
    // A customer who edits a message to those very words has edited it, not deleted it.
    await change({
      kind: 'message',
      channelMessageId: 'wamid.shop-2',
      text: 'Thanks',
      sentAt: t.clock.now(),
    });
    await timeline().getByText('Thanks').waitFor();
    await change({
      kind: 'edit',
      channelMessageId: 'wamid.shop-2',
      text: 'This message was deleted.',
      sentAt: t.clock.now(),
    });
    const edited = timeline().getByTestId('message-in').filter({ hasText: 'This message was deleted.' });
    await edited.waitFor();
    expect(await edited.getByTestId('edit-mark').locator('summary').textContent()).toBe('edited');
    // Web chat shows no reactions from operators: no React button there.
    await page.getByTestId('session-row').filter({ hasNotText: 'Jan Malý' }).click();
    await timeline().getByText('Where is order 1234?').waitFor();
    expect(await timeline().getByRole('button', { name: 'React' }).count()).toBe(0);
  }, 60_000);

  it('shows system messages in the operator’s language', async () => {
    await timeline().getByText('Olga joined the conversation.').waitFor();
    await page.getByLabel('Language').selectOption('cs');
    await timeline().getByText('Olga se připojil(a) ke konverzaci.').waitFor();
    expect(await timeline().getByText('Olga joined the conversation.').count()).toBe(0);
    expect(await timeline().getByTestId('edit-mark').getByText('upraveno').count()).toBe(1);
    await page.getByLabel('Jazyk').selectOption('en');
    expect(w.pageErrors).toEqual([]);
  }, 60_000);
});
