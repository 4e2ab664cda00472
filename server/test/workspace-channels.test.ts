import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '@switchboard/sandbox/sandbox';
import { call } from './factories.js';
import {
  attachFiles,
  browserRunnable,
  openWorkspaceBrowser,
  signInOlga,
  type WorkspaceBrowser,
} from './workspace-browser.js';

const APP_SECRET = 'channels-app-secret';
const VERIFY_TOKEN = 'channels-verify-token';
const KAREL = '420777654321';
const suffix = String(Date.now()).slice(-9);
const number = {
  phoneNumberId: `6${suffix}`,
  displayPhoneNumber: '15550004321',
  wabaId: `5${suffix}`,
  accessToken: 'channels-token',
};
const fbPage = { pageId: `4${suffix}01`, name: 'Shop Page', pageAccessToken: `page-token-${suffix}` };

/**
 * A WhatsApp and a Messenger customer, each taken through the whole session in the browser: the offer, accepting
 * it, a reply with an emoji and a file whose status reaches read, a transfer to Petr (his own page), a conference
 * with Olga, and the end with a wrap-up reason.
 */
describe.runIf(browserRunnable)('operator workspace in Chromium: WhatsApp and Messenger end to end', () => {
  let w: WorkspaceBrowser;
  let sandbox: RunningSandbox;
  let olgaPage: Page;
  let petrPage: Page;
  const whatsappCallbacks: string[] = [];
  const messengerCallbacks: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      control: true,
      retryDelaysMs: [200, 400],
      app: {
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
        whatsappCallbackUrls: whatsappCallbacks,
        messengerCallbackUrls: messengerCallbacks,
      },
      whatsapp: { numbers: [number], customers: [{ waId: KAREL, name: 'Karel Novák' }] },
      messenger: { pages: [fbPage] },
      switches: { statusProgression: 'delivered' },
    });
    w = await openWorkspaceBrowser({
      config: { GRAPH_API_BASE_URL: sandbox.url, GRAPH_API_VERSION: 'v23.0' },
    });
    olgaPage = w.page;
    whatsappCallbacks.push(`${w.t.url}/webhooks/whatsapp`);
    messengerCallbacks.push(`${w.t.url}/webhooks/messenger`);
    const admin = w.f.sessions.admin!.headers;
    const whatsapp = await call(w.t.url, 'POST', '/api/v1/channel-accounts/whatsapp', {
      headers: admin,
      body: { name: 'Support line', ...number, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN },
    });
    expect(whatsapp.status).toBe(201);
    const messenger = await call(w.t.url, 'POST', '/api/v1/channel-accounts/messenger', {
      headers: admin,
      body: { ...fbPage, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN },
    });
    expect(messenger.status).toBe(201);
    for (const name of ['Order question answered', 'Wrong number'])
      expect(
        (await call(w.t.url, 'POST', '/api/v1/wrapup-reasons', { headers: admin, body: { name } })).status,
      ).toBe(201);

    await signInOlga(w);
    // Petr (group B, so no new session is offered to him) works in a browser context of his own.
    const context = await w.browser.newContext({ viewport: { width: 1400, height: 860 }, locale: 'en-GB' });
    petrPage = await context.newPage();
    petrPage.on('pageerror', (error) => w.pageErrors.push(`petr: ${error.message}`));
    await signInOlga({ ...w, page: petrPage }, '/', w.f.tenant.operators[1]!.email);
  }, 120_000);
  afterAll(async () => {
    await w?.close();
    await sandbox?.close();
  });

  const view = (page: Page) => page.getByRole('region', { name: /^Session with/ });
  const participants = (page: Page) => view(page).getByText(/with (Olga, Petr|Petr, Olga)/);

  /** The customer has written `first`; the rest of the session runs in the two pages. */
  async function wholeSession(options: {
    contact: string;
    first: string;
    source: string;
    reply: string;
    read: () => Promise<unknown>;
    /** What the customer's channel was asked to send (texts and file names). */
    delivered: () => string[];
  }) {
    const { contact, first, reply } = options;
    // The offer, in Olga's page.
    const offer = olgaPage.getByTestId('offer');
    await offer.waitFor();
    // A Messenger name comes from the profile, fetched after the message: the offer shows it when it arrives.
    await expect.poll(() => offer.getByTestId('offer-contact').textContent()).toBe(contact);
    expect(await offer.getByTestId('offer-message').textContent()).toBe(first);
    expect(await offer.getByTestId('offer-source').textContent()).toBe(options.source);
    await offer.getByRole('button', { name: /Accept/ }).click();
    await offer.waitFor({ state: 'detached' });
    const timeline = view(olgaPage).getByTestId('timeline');
    await timeline.getByTestId('message-in').getByText(first).waitFor();

    // A file from the picker, then text with an emoji from the picker; Enter sends them together.
    await attachFiles(olgaPage, [
      { name: 'return-form.txt', mimeType: 'text/plain', buffer: Buffer.from('Return form\nOrder 4711\n') },
    ]);
    const staged = olgaPage.getByRole('list', { name: 'Files to send' });
    await staged.getByText('return-form.txt').waitFor();
    const composer = olgaPage.getByLabel('Message', { exact: true });
    await composer.fill(reply);
    await olgaPage.getByRole('button', { name: /Emoji/ }).click();
    await olgaPage.getByLabel('Search emoji').fill('thumbs up');
    await olgaPage.locator('[aria-label="thumbs up"]').first().click();
    await expect.poll(() => composer.inputValue()).toBe(`${reply}👍`);
    await olgaPage.getByRole('button', { name: /Emoji/ }).click();
    await composer.press('Enter');

    const sent = timeline.getByTestId('message-out').filter({ hasText: `${reply}👍` });
    await sent.locator('summary', { hasText: 'return-form.txt' }).waitFor();
    const status = sent.getByTestId('message-status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('Delivered');
    await expect
      .poll(options.delivered, { timeout: 15_000 })
      .toEqual(expect.arrayContaining([expect.stringContaining(`${reply}👍`), 'return-form.txt']));
    // The customer opens the chat: the ticks reach read.
    await options.read();
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('Read');

    // Transfer to Petr from the dialog; he accepts in his page.
    await olgaPage.getByRole('button', { name: 'Transfer', exact: true }).click();
    const transfer = olgaPage.getByRole('dialog', { name: 'Transfer the session' });
    await transfer.getByRole('button', { name: 'Transfer to Petr' }).click();
    await transfer.waitFor({ state: 'detached' });
    const transferred = petrPage.getByTestId('offer');
    await transferred.getByText('Transferred to you').waitFor();
    expect(await transferred.getByTestId('offer-contact').textContent()).toBe(contact);
    await transferred.getByRole('button', { name: /Accept/ }).click();
    await transferred.waitFor({ state: 'detached' });
    await view(petrPage).getByTestId('timeline').getByText(`${reply}👍`).waitFor();
    await expect.poll(() => olgaPage.getByTestId('session-row').count()).toBe(0);

    // Conference: Petr adds Olga, she joins from her page, Petr ends the conference.
    await petrPage.getByRole('button', { name: 'Conference', exact: true }).click();
    const conference = petrPage.getByRole('dialog', { name: 'Conference: add an operator' });
    await conference.getByRole('button', { name: 'Add Olga to the conversation' }).click();
    await conference.waitFor({ state: 'detached' });
    const invitation = olgaPage.getByTestId('offer');
    await invitation.getByText('Conference invitation').waitFor();
    await invitation.getByRole('button', { name: /Accept/ }).click();
    await participants(olgaPage).waitFor();
    await participants(petrPage).waitFor();
    expect(await view(olgaPage).getByRole('button', { name: 'Leave conference' }).count()).toBe(1);
    await petrPage.getByRole('button', { name: 'End conference' }).click();
    await participants(petrPage).waitFor({ state: 'detached' });
    await expect.poll(() => olgaPage.getByTestId('session-row').count()).toBe(0);

    // The end, with a wrap-up reason and a note.
    await petrPage.getByRole('button', { name: 'End', exact: true }).click();
    const wrapup = petrPage.getByRole('dialog', { name: 'End the session' });
    await wrapup.getByRole('radio', { name: 'Order question answered' }).check();
    await wrapup.getByLabel('Note').fill(`Sent the return form to ${contact}.`);
    await wrapup.getByRole('button', { name: 'End session' }).click();
    await wrapup.waitFor({ state: 'detached' });
    await expect.poll(() => petrPage.getByTestId('session-row').count()).toBe(0);

    const ended = await call(w.t.url, 'GET', '/api/v1/sessions?state=ended', {
      headers: w.f.sessions.admin!.headers,
    });
    const session = ended.body.items.find((s: any) => s.firstMessage === first);
    expect(session).toMatchObject({ state: 'ended', wrapupNote: `Sent the return form to ${contact}.` });
    expect(session.wrapupReasonId).toBeTruthy();
    expect(w.pageErrors).toEqual([]);
  }

  /** Texts, captions and file names of what the app asked the sandbox to send. */
  const outbound = (pathContains: string) => () =>
    sandbox
      .calls({ method: 'POST', pathContains })
      .flatMap((c) => {
        const body = c.body as any;
        return [
          body?.text?.body,
          body?.document?.caption,
          body?.document?.filename,
          body?.message?.text,
          body?.message?.attachment?.payload?.filename,
        ];
      })
      .filter((x): x is string => typeof x === 'string');

  it('a WhatsApp customer: offer, reply with emoji and file read, transfer, conference, wrap-up', async () => {
    const first = 'Hello, my parcel 4711 arrived broken';
    await sandbox.injectWhatsApp({
      phone_number_id: number.phoneNumberId,
      from: KAREL,
      type: 'text',
      text: { body: first },
    } as never);
    await wholeSession({
      contact: 'Karel Novák',
      first,
      source: 'Support line',
      reply: 'Sorry to hear that, Karel. Please fill in this form',
      read: () => sandbox.customerRead({ product: 'whatsapp', customer: KAREL }),
      delivered: outbound(`${number.phoneNumberId}/messages`),
    });
  }, 90_000);

  it('a Messenger customer: offer, reply with emoji and file read, transfer, conference, wrap-up', async () => {
    const psid = sandbox.addMessengerCustomer({
      pageId: fbPage.pageId,
      firstName: 'Peter',
      lastName: 'Chang',
    }).id;
    const first = 'Hi, can I return these shoes?';
    await sandbox.injectMessenger({ psid, text: first });
    await wholeSession({
      contact: 'Peter Chang',
      first,
      source: fbPage.name,
      reply: 'Of course, Peter. Please fill in this form',
      read: () => sandbox.customerRead({ product: 'messenger', customer: psid }),
      delivered: outbound('/messages'),
    });
  }, 90_000);
});
